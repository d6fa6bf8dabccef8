#!/usr/bin/env python3
"""Runs a command with stdout discarded, best of REPEAT runs, and prints one line:
`<best wall seconds> <peak RSS of its whole process tree in MB>`. The tree's RSS (the command and
every child, such as a `git cat-file`) is summed from /proc every 5 ms; the peak is the largest
over all runs. Usage: peak_rss.py REPEAT command [args...]"""
import os
import subprocess
import sys
import time


def tree_rss(root):
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(pid, []))
    return total


def main():
    repeat = int(sys.argv[1])
    best = None
    peak = 0
    for _ in range(repeat):
        start = time.monotonic()
        proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.005)
        wall = time.monotonic() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{sys.argv[2]} exited with {proc.returncode}")
        best = wall if best is None else min(best, wall)
    print(f"{best:.3f} {peak / 1e6:.0f}")


if __name__ == "__main__":
    main()
