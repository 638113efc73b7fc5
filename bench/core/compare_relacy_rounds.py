#!/usr/bin/env python3
"""The timing half of compare_relacy.sh: runs Relacy's test (b) and weft's
body (b) (weft_relacy_b, four configurations) alternately, round after round,
each run a fresh process of N executions, and prints the medians.

  compare_relacy_rounds.py --executions N --rounds R RELACY_TEST_B WEFT_RELACY_B

Executions/s are taken from each process's CPU time (user + system, from
wait4), which a shared machine's other jobs disturb less than wall time;
the wall-time median is printed beside it. The order of the five rotates
from round to round, so none always runs first.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

WEFT_CONFIGS = [("random", True), ("random", False), ("pct:3", True), ("pct:3", False)]


def run(command):
    """Runs command; returns (cpu seconds, wall seconds, output)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if process.returncode != 0 or "(ok)" not in text:
        sys.exit(f"compare_relacy: {' '.join(command)} failed (exit {process.returncode}):\n{text[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall, text


def rate(per_second):
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f}M/s"
    return f"{per_second / 1e3:.0f}k/s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executions", type=int, default=1000000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("relacy")
    parser.add_argument("weft")
    args = parser.parse_args()
    n = args.executions
    rows = [("Relacy, random (race checking always on)", [args.relacy, str(n)])]
    for strategy, detect in WEFT_CONFIGS:
        rows.append((f"weft {strategy}, detection {'on' if detect else 'off'}",
                     [args.weft, f"--strategy={strategy}", f"--detect={'true' if detect else 'false'}",
                      f"--executions={n}"]))
    cpu = {label: [] for label, _ in rows}
    wall = {label: [] for label, _ in rows}
    for r in range(args.rounds):
        order = rows[r % len(rows):] + rows[:r % len(rows)]
        for label, command in order:
            c, w, _ = run(command)
            cpu[label].append(c)
            wall[label].append(w)
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    relacy = statistics.median(cpu[rows[0][0]])
    print(f"\nbody (b), {n} executions per run, {args.rounds} rounds; executions/s from each process's CPU time")
    print(f"{'':44} {'exec/s (median)':>16} {'min-max':>18} {'wall (median)':>14} {'vs Relacy':>10}")
    ratios = {}
    for label, _ in rows:
        med = statistics.median(cpu[label])
        ratios[label] = relacy / med
        spread = f"{rate(n / max(cpu[label]))}-{rate(n / min(cpu[label]))}"
        print(f"{label:44} {rate(n / med):>16} {spread:>18} {rate(n / statistics.median(wall[label])):>14} "
              f"{relacy / med:>9.2f}x")
    print("\ntargets (issue 11)")
    for strategy, detect in WEFT_CONFIGS:
        label = f"weft {strategy}, detection {'on' if detect else 'off'}"
        want = 2.0 if detect else 3.0
        print(f"  {label:32} >= {want:.0f}x Relacy: {ratios[label]:.2f}x -> {'met' if ratios[label] >= want else 'NOT met'}")


if __name__ == "__main__":
    main()
