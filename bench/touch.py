#!/usr/bin/env python3
"""Cost of touching fresh memory, in huge pages and in small pages (issue 4, README).

    bench/touch.py [--mib 200] [--rounds 3] [--sleep 3]

Each round, for each page size: sleeps (so the memory freed by the last round has been free a
while: on a virtual machine the host may take such memory back), maps --mib MiB of anonymous
memory, asks for huge pages (MADV_HUGEPAGE) or small ones (MADV_NOHUGEPAGE), writes one byte
in every 4 KiB page, and prints the CPU time that took, per MiB. Linux only.
"""
import argparse
import mmap
import resource
import time


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def touch(mib, huge):
    size = mib << 20
    # Room to start at a 2 MiB boundary.
    m = mmap.mmap(-1, size + (2 << 20), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    m.madvise(mmap.MADV_HUGEPAGE if huge else mmap.MADV_NOHUGEPAGE)
    start = cpu()
    for at in range(0, size, 4096):
        m[at] = 1
    spent = cpu() - start
    m.close()
    return spent


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mib", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sleep", type=float, default=3.0)
    a = ap.parse_args()
    # What the loop costs without any fault: the same writes into memory already touched.
    m = mmap.mmap(-1, a.mib << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for at in range(0, a.mib << 20, 4096):
        m[at] = 1
    start = cpu()
    for at in range(0, a.mib << 20, 4096):
        m[at] = 2
    loop = cpu() - start
    m.close()
    print(f"loop alone: {loop * 1e3 / a.mib:.2f} ms/MiB (subtracted below)")
    for r in range(a.rounds):
        for huge in (True, False):
            time.sleep(a.sleep)
            spent = touch(a.mib, huge) - loop
            kind = "huge pages " if huge else "small pages"
            print(f"round {r + 1}, {kind}: {spent * 1e3 / a.mib:.2f} ms/MiB "
                  f"({spent * 1e3:.0f} ms for {a.mib} MiB, after {a.sleep:g} s asleep)")


if __name__ == "__main__":
    main()
