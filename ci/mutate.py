#!/usr/bin/env python3
"""Mutation testing: plant one-line bugs in weft, one at a time, and see which
ones no test catches.

Each mutation in the list (ci/mutations.txt by default) replaces one snippet of
one source file. For each, the harness writes the mutant, rebuilds (ninja
recompiles the mutated file and relinks; every other object comes from the
build directory), runs the tests named in the entry first and, if they all
pass, the whole suite; then it restores the file. A mutation is *killed* when
some test fails (or times out), *survives* when every test passes, and is
*invalid* when it does not compile (a defect of the list, not of the tests).

    ci/mutate.py                      # every mutation, build dir build-mutate
    ci/mutate.py --only replay-accepts-blocked,pct-one-change-point
    ci/mutate.py --check              # the list only: each snippet found once
    ci/mutate.py --markdown docs/mutation-testing-result.md

Exit codes: 0 every mutation killed, 1 some survived or did not compile,
2 bad usage or a bad mutation list, 3 the unmutated build or suite fails.
"""

import argparse
import dataclasses
import os
import pathlib
import signal
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
KEYS = ("id", "why", "file", "from", "to", "tests")


class ListError(Exception):
    pass


@dataclasses.dataclass
class Mutation:
    id: str
    why: str
    file: str
    before: str
    after: str
    tests: str
    line: int  # where the entry starts in the list, for messages


def parse_list(path):
    """Entries are blocks of 'key: value' lines separated by blank lines;
    '#' starts a comment line. Keys: id, why, file, from, to, tests (a ctest
    regex run first; optional). A line starting with '|' continues the value
    above it on a new line (multi-line snippets)."""
    try:
        text = pathlib.Path(path).read_text()
    except OSError as e:
        raise ListError(f"cannot read the mutation list {path}: {e.strerror}")
    mutations, block, start, last = [], {}, 0, None

    def finish():
        if not block:
            return
        missing = [k for k in ("id", "why", "file", "from", "to") if k not in block]
        if missing:
            raise ListError(f"{path}:{start}: entry lacks {', '.join(missing)}")
        if block["from"] == block["to"]:
            raise ListError(f"{path}:{start}: entry '{block['id']}' replaces a snippet with itself")
        mutations.append(Mutation(block["id"], block["why"], block["file"], block["from"], block["to"],
                                  block.get("tests", ""), start))

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if line.lstrip().startswith("#"):
            continue
        if not line:
            finish()
            block, last = {}, None
            continue
        if line.startswith("|"):
            if not last:
                raise ListError(f"{path}:{number}: a '|' continuation line must follow a 'key: value' line")
            block[last] += "\n" + line[1:]
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in KEYS:
            raise ListError(f"{path}:{number}: expected 'key: value' with a key among {', '.join(KEYS)}, "
                            f"got '{line[:60]}'")
        if key in block:
            raise ListError(f"{path}:{number}: '{key}' given twice in one entry")
        if not block:
            start = number
        # One space after the colon separates key and value; the rest is the
        # snippet, leading spaces included, so indentation can be matched.
        block[key] = value[1:] if value.startswith(" ") else value
        last = key
    finish()
    seen = set()
    for m in mutations:
        if m.id in seen:
            raise ListError(f"{path}:{m.line}: id '{m.id}' is used twice")
        seen.add(m.id)
    if not mutations:
        raise ListError(f"{path}: no mutations in the list")
    return mutations


def locate(m):
    """The file's text and the snippet's offset; the snippet must occur once."""
    path = ROOT / m.file
    if not path.is_file():
        raise ListError(f"mutation '{m.id}' (line {m.line}): {m.file} does not exist")
    text = path.read_text()
    count = text.count(m.before)
    if count != 1:
        where = "is not found" if count == 0 else f"occurs {count} times"
        raise ListError(f"mutation '{m.id}' (line {m.line}): its 'from' snippet {where} in {m.file}; "
                        "update the entry to the current code")
    return path, text


def run(cmd, log, timeout=None):
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        try:
            return subprocess.run(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return -1


def ctest(build, jobs, log, regex=None):
    cmd = ["ctest", "--test-dir", str(build), "-j", str(jobs), "--timeout", "120", "--stop-on-failure"]
    if regex:
        cmd += ["-R", regex, "--no-tests=error"]
    # The harness's own test checks that every entry applies to the sources,
    # which a planted mutation never does: it would "kill" every mutant.
    cmd += ["-E", "^mutation\\.harness$"]
    return run(cmd, log)


def configure(build, log):
    if (build / "build.ninja").exists():
        return 0
    # Shared libraries, and executables not relinked when a library changes:
    # a mutant of a .cc file then costs one compile and one library link
    # instead of relinking every test binary.
    cmd = ["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja", "-DWEFT_WERROR=OFF", "-DWEFT_BUILD_BENCH=OFF",
           "-DBUILD_SHARED_LIBS=ON", "-DCMAKE_POSITION_INDEPENDENT_CODE=ON", "-DCMAKE_LINK_DEPENDS_NO_SHARED=ON"]
    if subprocess.run(["sh", "-c", "command -v ccache"], capture_output=True).returncode == 0:
        cmd.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
    return run(cmd, log)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", default=str(ROOT / "ci" / "mutations.txt"), help="the mutation list")
    parser.add_argument("--build", default=str(ROOT / "build-mutate"), help="build directory (configured if new)")
    parser.add_argument("--only", default="", help="comma-separated ids to run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel build and test jobs")
    parser.add_argument("--check", action="store_true", help="only check that every entry applies to the code")
    parser.add_argument("--markdown", help="write the result table to this file")
    try:
        args = parser.parse_args()
    except SystemExit as e:
        sys.exit(2 if e.code else 0)
    if args.jobs < 1:
        print("mutate: --jobs must be at least 1", file=sys.stderr)
        sys.exit(2)

    try:
        mutations = parse_list(args.list)
        if args.only:
            wanted = [w for w in args.only.split(",") if w]
            known = {m.id for m in mutations}
            unknown = [w for w in wanted if w not in known]
            if unknown:
                raise ListError(f"--only names unknown mutation(s) {', '.join(unknown)}; "
                                f"see the ids in {args.list}")
            mutations = [m for m in mutations if m.id in wanted]
        for m in mutations:
            locate(m)
    except ListError as e:
        print(f"mutate: {e}", file=sys.stderr)
        sys.exit(2)
    if args.check:
        print(f"mutate: {len(mutations)} mutations, each applies once")
        return

    build = pathlib.Path(args.build).resolve()
    log = build.with_name(build.name + ".log")
    log.write_text("")
    print(f"mutate: building and testing the unmutated tree in {build} (log: {log})", flush=True)
    if configure(build, log) != 0 or run(["cmake", "--build", str(build), "-j", str(args.jobs)], log) != 0:
        print("mutate: the unmutated tree does not build; see the log", file=sys.stderr)
        sys.exit(3)
    if ctest(build, args.jobs, log) != 0:
        print("mutate: the unmutated suite fails; mutation results would mean nothing", file=sys.stderr)
        sys.exit(3)

    # A SIGTERM must restore the file too: make it unwind like Ctrl-C.
    def interrupted(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    results = []
    started = time.monotonic()
    for n, m in enumerate(mutations, 1):
        path, original = locate(m)
        t0 = time.monotonic()
        try:
            path.write_text(original.replace(m.before, m.after, 1))
            if run(["cmake", "--build", str(build), "-j", str(args.jobs)], log) != 0:
                verdict, by = "invalid", "does not compile"
            elif m.tests and ctest(build, args.jobs, log, m.tests) != 0:
                verdict, by = "killed", m.tests
            elif ctest(build, args.jobs, log) != 0:
                verdict, by = "killed", "full suite"
            else:
                verdict, by = "SURVIVED", ""
        finally:
            path.write_text(original)
        results.append((m, verdict, by, time.monotonic() - t0))
        print(f"[{n}/{len(mutations)}] {verdict:8} {m.id} ({time.monotonic() - t0:.0f} s) {by}", flush=True)
    # Leave the build directory matching the sources.
    run(["cmake", "--build", str(build), "-j", str(args.jobs)], log)

    killed = sum(1 for r in results if r[1] == "killed")
    summary = (f"{killed} of {len(results)} mutations killed, "
               f"{sum(1 for r in results if r[1] == 'SURVIVED')} survived, "
               f"{sum(1 for r in results if r[1] == 'invalid')} did not compile; "
               f"{time.monotonic() - started:.0f} s")
    print(f"mutate: {summary}")
    if args.markdown:
        lines = ["| mutation | file | result | killed by |", "|---|---|---|---|"]
        for m, verdict, by, _ in results:
            lines.append(f"| `{m.id}`: {m.why} | {m.file} | {verdict} | {by.replace('|', ' or ')} |")
        pathlib.Path(args.markdown).write_text(
            f"<!-- written by ci/mutate.py --markdown; do not edit -->\n{summary}\n\n" + "\n".join(lines) + "\n")
    sys.exit(0 if killed == len(results) else 1)


if __name__ == "__main__":
    main()
