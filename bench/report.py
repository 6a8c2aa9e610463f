"""Summarises bench/run.sh's raw rows (raw.tsv) as a Markdown table of medians.

Columns: N, output place, tool, median wall time, median CPU (user+sys), median peak RSS,
files in the output (or, for rebuilds, files written), and the ratio of the row's wall time to
Hugo's (for Litopys), to Litopys' (for the floor) or to Litopys' full build (for rebuilds).
"""

import csv
import statistics
import sys
from collections import defaultdict


def main(path):
    rows = defaultdict(list)
    order = []
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            key = (int(r["n"]), r["place"], r["tool"])
            if key not in rows:
                order.append(key)
            rows[key].append(r)

    def med(key, col):
        vals = [float(r[col]) for r in rows.get(key, [])]
        return statistics.median(vals) if vals else None

    print("| N | output | tool | wall s | CPU s | peak RSS MiB | files | ratio |")
    print("|---:|---|---|---:|---:|---:|---:|---|")
    for key in order:
        n, place, tool = key
        wall = med(key, "wall_s")
        cpu = med(key, "cpu_s")
        rss = med(key, "rss_mib")
        if tool.startswith("rebuild"):
            files = f"{int(med(key, 'written'))} written"
        else:
            files = str(int(med(key, "files")))
        ratio = ""
        lit = med((n, place, "litopys"), "wall_s")
        if tool == "litopys":
            hugo = med((n, place, "hugo"), "wall_s")
            if hugo:
                ratio = f"Hugo/Litopys = {hugo / wall:.1f}×"
        elif tool == "floor" and lit:
            ratio = f"Litopys/floor = {lit / wall:.2f}×"
        elif tool.startswith("rebuild") and lit:
            lit_cpu = med((n, place, "litopys"), "cpu_s")
            ratio = f"{100 * wall / lit:.0f}% of full build (CPU {100 * cpu / lit_cpu:.0f}%)"
        elif tool.startswith("ingest") and cpu:
            ratio = f"{n / cpu:,.0f} articles/s/core"
        print(
            f"| {n:,} | {place} | {tool} | {wall:.3f} | {cpu:.2f} | {rss:.0f} | {files} | {ratio} |"
        )


if __name__ == "__main__":
    main(sys.argv[1])
