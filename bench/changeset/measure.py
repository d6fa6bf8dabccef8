#!/usr/bin/env python3
"""Runs a command RUNS times; prints the median wall time and the median CPU time (user + system
of the command and its children) in milliseconds: "WALL CPU". CPU time is the fairer figure on a
machine shared with other work; wall time is what a CI job waits.

With several commands separated by `--`, runs them in turns (A B A B ...) so that a change in
the machine's load hits all of them alike, and prints one "WALL CPU" line for each."""
import resource
import statistics
import subprocess
import sys
import time


def timed(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000


def main():
    runs = int(sys.argv[1])
    commands = [[]]
    for arg in sys.argv[2:]:
        if arg == "--":
            commands.append([])
        else:
            commands[-1].append(arg)
    samples = [([], []) for _ in commands]
    for _ in range(runs):
        for command, (walls, cpus) in zip(commands, samples):
            wall, cpu = timed(command)
            walls.append(wall)
            cpus.append(cpu)
    for walls, cpus in samples:
        print(f"{statistics.median(walls):.0f} {statistics.median(cpus):.0f}")


if __name__ == "__main__":
    main()
