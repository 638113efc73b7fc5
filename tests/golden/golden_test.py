#!/usr/bin/env python3
"""Golden reports: weft's whole text report of a known bug, byte for byte.

    golden_test.py --cases CASES --case NAME --program PATH --build-root DIR

Runs the disabled WEFT_TEST that CASES names for NAME in PROGRAM, replaying
its fixed decision token (or exploring, for "explore", as ci/demo.sh does),
takes the report from the test's output and compares it with
tests/golden/NAME.txt (next to CASES). A case with a last column (files,
comma-separated, e.g. README.md) must also be the demo block of each file. Absolute paths of the build directory
become "./build/", addresses "0x<address>".

With WEFT_UPDATE_GOLDEN=1 in the environment the report is written instead:
into NAME.txt, into each demo file's block, and, when the token no longer fits
the program (its code changed), a new token is explored and written into
CASES first. Regenerate everything on purpose with

    WEFT_UPDATE_GOLDEN=1 ctest --test-dir build -R golden

then review the diff of tests/golden/ and README.md.
"""
import argparse
import difflib
import fcntl
import os
import re
import subprocess
import sys

README_BLOCK = re.compile(r"```\n(weft found a bug:.*?)```", re.S)


def run(program, test, token):
    """The test's report, as the user sees it; exits when there is none."""
    report, output = try_run(program, test, token)
    if report is None:
        sys.exit(output)
    return report


def try_run(program, test, token):
    """The test's report (or None) and what to say when there is none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEFT_")}
    if token != "explore":
        env["WEFT_REPLAY"] = token
    result = subprocess.run(
        [program, f"--gtest_filter={test}", "--gtest_also_run_disabled_tests", "--gtest_color=no"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = result.stdout.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("weft found a bug: ")), None)
    if result.returncode != 1 or start is None:
        return None, f"{test} did not fail with a weft report (exit {result.returncode}):\n{result.stdout}{result.stderr}"
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("(after "))
    return "".join(lines[start:end]), None


def normalized(report, build_root):
    report = report.replace(os.path.realpath(build_root) + "/", "./build/").replace(build_root + "/", "./build/")
    return re.sub(r"0x[0-9a-f]{8,}", "0x<address>", report)


def diff(expected, actual, expected_name):
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                        expected_name, "what weft prints now"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", required=True)
    parser.add_argument("--case", required=True)
    parser.add_argument("--program", required=True)
    parser.add_argument("--build-root", required=True)
    args = parser.parse_args()
    update = os.environ.get("WEFT_UPDATE_GOLDEN") == "1"

    with open(args.cases) as f:
        case_lines = f.read().splitlines(keepends=True)
    fields = None
    for line in case_lines:
        if line.split() and line.split()[0] == args.case:
            fields = line.split()
    if fields is None:
        sys.exit(f"no case {args.case} in {args.cases}")
    _, _, test, token, *demos = fields
    golden_dir = os.path.dirname(os.path.abspath(args.cases))
    golden = os.path.join(golden_dir, args.case + ".txt")
    demos = [os.path.normpath(os.path.join(golden_dir, "..", "..", d)) for d in demos[0].split(",")] if demos else []

    report, output = try_run(args.program, test, token)
    if report is None or "\n  kind:      replay diverged\n" in report:
        if not update:
            sys.exit(f"the token of {args.case} in {args.cases} does not replay {test} (the code changed?):\n"
                     f"{report or output}Regenerate on purpose: WEFT_UPDATE_GOLDEN=1 ctest -R golden")
        explored = run(args.program, test, "explore")
        token = re.search(r"^  token:      (\S+)$", explored, re.M).group(1)
        with open(args.cases, "r+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)  # other cases may be updating theirs (ctest -j)
            lines = [line.replace(fields[3], token) if line.split()[:1] == [args.case] else line for line in f]
            f.seek(0)
            f.truncate()
            f.writelines(lines)
        report = run(args.program, test, token)
    report = normalized(report, args.build_root)

    if update:
        with open(golden, "w") as f:
            f.write(report)
        for demo in demos:
            with open(demo) as f:
                text = f.read()
            with open(demo, "w") as f:
                f.write(README_BLOCK.sub(lambda m: "```\n" + report + "```", text, count=1))
        print(f"wrote {golden}" + "".join(f" and the demo block of {d}" for d in demos))
        return

    problems = []
    expected = open(golden).read() if os.path.exists(golden) else ""
    if report != expected:
        problems.append(diff(expected, report, golden))
    for demo in demos:
        block = README_BLOCK.search(open(demo).read())
        shown = block.group(1) if block else ""
        if report != shown:
            problems.append(diff(shown, report, demo + " (the demo block)"))
    if problems:
        sys.exit("".join(problems) + "\nThe report changed. If that is intended, regenerate the golden files:\n"
                 "  WEFT_UPDATE_GOLDEN=1 ctest --test-dir <build> -R golden\nand review the diff.")
    print(f"{args.case}: the report is byte for byte {golden}" + "".join(f" and {d}'s demo" for d in demos))


if __name__ == "__main__":
    main()
