#!/usr/bin/env bash
# Cold builds of one site by several Litopys binaries, alternated (issue 4: N = 100,000 in
# under 20 s with an empty parse cache).
#
#   bench/cold.sh --site DIR [--out DIR] [--rounds 3] BIN [BIN...]
#
# Each round builds the site once with each binary, in the order given: the output folder and
# the site's caches (`.litopys/`) are removed first, so every build parses every article and
# writes every file. One line per build: the load and render phases (`LITOPYS_TIMINGS=1`),
# wall and CPU seconds and peak RSS (GNU time). Alternating binaries within a round is what
# makes two binaries comparable on a machine whose speed drifts from minute to minute.
#
# A site of N generated articles: `gen-corpus --n N --seed 1 --out DIR` (see bench/run.sh).
# The site's caches are deleted: use a copy made for the purpose, not a site you edit.
# Needs GNU time (apt-get install time).
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

SITE="" OUT="" ROUNDS=3
BINS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --site) SITE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "cold.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) BINS+=("$1"); shift ;;
  esac
done
if [ -z "$SITE" ] || [ ${#BINS[@]} -eq 0 ]; then
  usage >&2
  exit 2
fi
if [ ! -f "$SITE/litopys.yaml" ] || [ ! -d "$SITE/content/articles" ]; then
  echo "cold.sh: $SITE is not a Litopys site (no litopys.yaml or content/articles)" >&2
  exit 2
fi
# Without --out, a folder on tmpfs (or the system's temporary folder), removed at the end.
TMP=""
if [ -z "$OUT" ]; then
  TMP=$(mktemp -d /dev/shm/litopys-cold.XXXXXX 2>/dev/null || mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  OUT=$TMP/out
fi
for b in "${BINS[@]}"; do
  [ -x "$b" ] || { echo "cold.sh: $b is not an executable" >&2; exit 2; }
done

for round in $(seq 1 "$ROUNDS"); do
  for b in "${BINS[@]}"; do
    rm -rf "$OUT" "$SITE/.litopys"
    sync
    log=$( { LITOPYS_TIMINGS=1 /usr/bin/time -f "TIME %e %U %S %M" "$b" build --root "$SITE" --output "$OUT" >/dev/null; } 2>&1 ) || {
      echo "cold.sh: $b failed:" >&2
      echo "$log" >&2
      exit 1
    }
    echo "$log" | awk -v bin="$b" -v round="$round" '
      /^timing: load/ { load = $3 }
      /^timing: render/ { render = $3 }
      /^TIME/ { wall = $2; cpu = $3 + $4; peak = $5 }
      END { printf "round %d  %s  load %.2f s  render %.2f s  wall %.2f s  cpu %.1f s  peak %d MiB\n", round, bin, load / 1000, render / 1000, wall, cpu, peak / 1024 }'
  done
done
rm -rf "$OUT"
