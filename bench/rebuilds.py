#!/usr/bin/env python3
"""Rebuilds after one edit by several Litopys binaries, alternated (issue 4: (b) and (c)).

    bench/rebuilds.py --site DIR [--out DIR] [--case b|c] [--rounds 20] BIN [BIN...]

Each round, for each binary in the order given: the article is put back as it was and the
site built (untimed, so that the binary's own caches are warm: a binary's caches are keyed by
the binary), then edited as bench/run.sh edits it, (b) a sentence appended to its body, (c) a
new person added to its `people:`, and built again, timed. For each binary it prints the
median wall time of the timed builds, and the median CPU time (user + system) and minor page
faults from the kernel's accounting of the build process (`wait4`), which vary less from run
to run than wall time on a busy machine. The article is put back and built at the end.

The article edited is the middle one of `content/articles/` in name order (`--article` names
another). Use a copy of a site made for the purpose (`gen-corpus --n N --seed 1 --out DIR`),
not a site you edit: the article is rewritten.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def build(binary, site, out):
    start = time.perf_counter()
    proc = subprocess.Popen(
        [binary, "build", "--root", site, "--output", out],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1e3
    if status != 0:
        sys.exit(f"rebuilds.py: {binary} build failed (status {status})")
    return wall, (usage.ru_utime + usage.ru_stime) * 1e3, usage.ru_minflt


def edit(path, case, n):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    if case == "b":
        text += f"\nДодане речення про **зміни** в тексті, {n}.\n"
    else:
        if "\npeople:\n" not in text:
            sys.exit(f"rebuilds.py: {path} has no `people:` list to add a person to")
        text = text.replace("\npeople:\n", f"\npeople:\n- Нова Особа{n}\n", 1)
    # A new file renamed over the old one, as `sed -i` (bench/run.sh) and many editors do.
    tmp = path + ".rebuilds-tmp"
    with open(tmp, "wb") as f:
        f.write(text.encode("utf-8"))
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--site", required=True, help="the site's root (with content/articles/)")
    p.add_argument("--out", help="output folder (default: SITE/public)")
    p.add_argument("--case", choices=["b", "c"], default="c")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--article", help="the article file to edit")
    p.add_argument("binaries", nargs="+")
    a = p.parse_args()
    out = a.out or os.path.join(a.site, "public")
    folder = os.path.join(a.site, "content", "articles")
    if a.article:
        article = a.article
    else:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".md"))
        if not names:
            sys.exit(f"rebuilds.py: no articles in {folder}")
        article = os.path.join(folder, names[len(names) // 2])
    with open(article, "rb") as f:
        saved = f.read()

    def restore():
        with open(article, "wb") as f:
            f.write(saved)

    runs = {b: [] for b in a.binaries}
    try:
        for r in range(a.rounds):
            for b in a.binaries:
                restore()
                build(b, a.site, out)
                edit(article, a.case, r)
                runs[b].append(build(b, a.site, out))
    finally:
        restore()
    for b in a.binaries:
        build(b, a.site, out)
    print(f"({a.case}) {a.rounds} rounds, article {article}")
    for b in a.binaries:
        wall, cpu, faults = zip(*runs[b])
        print(
            f"{b}: wall median {statistics.median(wall):.1f} ms (mean {statistics.mean(wall):.1f}),"
            f" CPU median {statistics.median(cpu):.1f} ms, minor faults {statistics.median(faults):.0f}"
        )


if __name__ == "__main__":
    main()
