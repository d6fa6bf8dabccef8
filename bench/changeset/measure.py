#!/usr/bin/env python3
"""Runs a command RUNS times; prints the median wall time and the median CPU time (user + system
of the command and its children) in milliseconds: "WALL CPU". CPU time is the fairer figure on a
machine shared with other work; wall time is what a CI job waits."""
import resource
import statistics
import subprocess
import sys
import time


def main():
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    print(f"{statistics.median(walls):.0f} {statistics.median(cpus):.0f}")


if __name__ == "__main__":
    main()
