#!/usr/bin/env python3
"""`weft run` against weft::explore in process: executions per second.

usage: bench/cli/run_scaling.py WEFT BODIES [TEST] [ITERATIONS] [REPEATS]
  e.g. bench/cli/run_scaling.py build/tools/weft/weft build/tests/cli_bodies Clean.LockedCounter 400000 5

Rows, each the median of REPEATS runs of ITERATIONS executions of TEST (a
WEFT_TEST with short executions), measured in this run:
  in process      the test binary itself (GoogleTest, WEFT_ITERATIONS=N):
                  one weft::explore call of N executions
  weft run -j1    the runner with one worker: the protocol's cost
  weft run -j2    two workers: the scaling
Wall time includes starting the processes. CPU is user+sys of every process
of the run, which does not depend on what else the machine runs.
"""
import os
import resource
import statistics
import subprocess
import sys
import time

WEFT, BODIES = sys.argv[1:3]
TEST = sys.argv[3] if len(sys.argv) > 3 else "Clean.LockedCounter"
N = int(sys.argv[4]) if len(sys.argv) > 4 else 400000
REPEATS = int(sys.argv[5]) if len(sys.argv) > 5 else 5


def measure(command, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    r = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})})
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def row(name, command, env=None):
    runs = [measure(command, env) for _ in range(REPEATS)]
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    return name, N / wall, N / cpu, wall


def main():
    rows = [
        row("in process", [BODIES, f"--gtest_filter={TEST}"], {"WEFT_ITERATIONS": str(N)}),
        row("weft run --jobs 1", [WEFT, "run", BODIES, TEST, "--iterations", str(N), "--jobs", "1"]),
        row("weft run --jobs 2", [WEFT, "run", BODIES, TEST, "--iterations", str(N), "--jobs", "2"]),
    ]
    print(f"{TEST}, {N} executions, median of {REPEATS} runs; nproc {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'':20} {'executions/s (wall)':>20} {'executions/s (CPU)':>20} {'wall s':>8}")
    for name, per_wall, per_cpu, wall in rows:
        print(f"{name:20} {per_wall:20.0f} {per_cpu:20.0f} {wall:8.2f}")
    base, one, two = rows
    print(f"protocol cost (-j1 vs in process): {100 * (1 - one[1] / base[1]):+.1f}% wall, "
          f"{100 * (1 - one[2] / base[2]):+.1f}% CPU")
    print(f"scaling (-j2 / -j1, wall): {two[1] / one[1]:.2f}x")


if __name__ == "__main__":
    main()
