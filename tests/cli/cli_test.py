#!/usr/bin/env python3
"""Tests of the `weft` tool's run, list and replay commands.

usage: cli_test.py WEFT BODIES EXAMPLE CASE

WEFT is the tool, BODIES the WEFT_TEST binary of tests/cli/bodies.cc (clean,
buggy, crashing and hanging bodies), EXAMPLE build/examples/bank_test. CASE is
one of the classes below; ctest runs each as its own test.
"""
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

WEFT, BODIES, EXAMPLE = sys.argv[1:4]


def weft(*args, env=None, cwd=None):
    full_env = dict(os.environ)
    for name in ("GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", "TEST_SHARD_INDEX",
                 "JOB_COMPLETION_INDEX", "WEFT_TOTAL_SHARDS"):
        full_env.pop(name, None)
    full_env.update(env or {})
    return subprocess.run([WEFT, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300)


def run_json(*args, env=None):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "run.json")
        r = weft("run", *args, "--json", path, env=env)
        with open(path) as f:
            return r, json.load(f)


def by_test(results):
    return {t["test"]: t for t in results["tests"]}


class ListAndErrors(unittest.TestCase):
    def expect_usage_error(self, r, *parts):
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("weft "), lines[0])
        for p in parts:
            self.assertIn(p, lines[0])

    def test_list(self):
        r = weft("list", BODIES)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["Clean.LockedCounter", "Buggy.LostUpdate", "Crash.NullDereference",
                                            "Crash.Abort", "Hang.AtomicSpin", "Hang.RealMutex", "Nondeterministic.CountsItsRuns",
                                            "Later.StillRuns"])
        r = weft("list", EXAMPLE)
        self.assertIn("Bank.DISABLED_LostUpdate  (disabled)", r.stdout)

    def test_bad_binaries(self):
        self.expect_usage_error(weft("list", "/nonexistent/test"), "no such file")
        self.expect_usage_error(weft("run", "/nonexistent/test"), "no such file")
        with tempfile.TemporaryDirectory() as d:
            text = os.path.join(d, "notes.txt")
            with open(text, "w") as f:
                f.write("not a program\n")
            os.chmod(text, 0o644)
            if os.geteuid() != 0:  # root may execute anything
                self.expect_usage_error(weft("run", text), "not an executable")
            os.chmod(text, 0o755)
            self.expect_usage_error(weft("run", text), "cannot start it", "test binary built with weft")
        self.expect_usage_error(weft("run", "/bin/true"), "not a weft test binary")
        self.expect_usage_error(weft("list"), "no test binary")
        self.expect_usage_error(weft("run"), "no test binary")

    def test_other_protocol_versions(self):
        with tempfile.TemporaryDirectory() as d:
            def script(name, text):
                path = os.path.join(d, name)
                with open(path, "w") as f:
                    f.write("#!/bin/sh\n" + text)
                os.chmod(path, stat.S_IRWXU)
                return path
            newer = script("newer", 'echo \'{"type":"hello","protocol":"weft-worker","version":99}\' >&4\n')
            self.expect_usage_error(weft("list", newer), "speaks weft worker protocol 99", "rebuild")
            other = script("other", "echo hello >&4\n")
            self.expect_usage_error(weft("list", other), "something other than weft's worker hello")

    def test_bad_flags(self):
        self.expect_usage_error(weft("run", BODIES, "--bogus"), "unknown option --bogus")
        self.expect_usage_error(weft("run", BODIES, "--iterations", "many"), "--iterations")
        self.expect_usage_error(weft("run", BODIES, "--iterations"), "needs a value")
        self.expect_usage_error(weft("run", BODIES, "--time", "soon"), "--time")
        self.expect_usage_error(weft("run", BODIES, "--seed", "x1"), "--seed='x1'")
        self.expect_usage_error(weft("run", BODIES, "--jobs", "-1"), "--jobs")
        self.expect_usage_error(weft("run", BODIES, "--strategy", "fastest"), "unknown strategy 'fastest'")
        self.expect_usage_error(weft("run", BODIES, "--strategy", "dfs:2:por"),
                                "the preemption bound must be an integer in [0, 64]")
        self.expect_usage_error(weft("run", BODIES, "Nothing.*"), "no test matches 'Nothing.*'")
        r = weft("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.splitlines()[0], 'weft: unknown command "frobnicate"')

    def test_bad_shards(self):
        for value in ["2", "2/2", "a/b", "1/0", "0/1/2"]:
            self.expect_usage_error(weft("run", BODIES, "--shard", value), "--shard")
        self.expect_usage_error(weft("run", BODIES, env={"GTEST_TOTAL_SHARDS": "2"}), "GTEST_SHARD_INDEX")
        self.expect_usage_error(weft("run", BODIES, env={"GTEST_TOTAL_SHARDS": "2", "GTEST_SHARD_INDEX": "5"}),
                                "GTEST_SHARD_INDEX")
        self.expect_usage_error(weft("run", BODIES, env={"TEST_TOTAL_SHARDS": "x", "TEST_SHARD_INDEX": "0"}),
                                "TEST_SHARD_INDEX")
        self.expect_usage_error(weft("run", BODIES, env={"JOB_COMPLETION_INDEX": "1"}), "WEFT_TOTAL_SHARDS")

    def test_bad_replays(self):
        self.expect_usage_error(weft("replay", BODIES, "Buggy.LostUpdate"), "expected BINARY TEST TOKEN_OR_FILE")
        self.expect_usage_error(weft("replay", BODIES, "Buggy.LostUpdate", "garbage"), "bad schedule token")
        self.expect_usage_error(weft("replay", BODIES, "Buggy.LostUpdate", "w1d-AqCNBgQBAQAB"), "truncated",
                                "copy the whole token")
        self.expect_usage_error(weft("replay", BODIES, "No.Such", "w1s-random-5eed-0-100000-0"),
                                "no WEFT_TEST named 'No.Such'", "weft list")
        self.expect_usage_error(weft("replay", "/nonexistent", "A.B", "w1s-random-5eed-0-100000-0"), "no such file")
        self.expect_usage_error(weft("replay", BODIES, "Buggy.LostUpdate", "/nonexistent/crash-1"),
                                "no such file: /nonexistent/crash-1")
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            f.write('{"kind": "deadlock"}')
            f.flush()
            self.expect_usage_error(weft("replay", BODIES, "Buggy.LostUpdate", f.name), "without a \"token\"")


class Run(unittest.TestCase):
    def test_clean_passes(self):
        r = weft("run", BODIES, "Clean.*", "--iterations", "300")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"Clean.LockedCounter\s+300\s+\d+\s+\d+\s+[\d.]+\s+passed")

    def test_bug_exits_1_with_replay_command(self):
        r = weft("run", BODIES, "Buggy.*")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("assertion failed: counter == 2", r.stdout)
        self.assertIn(f"{WEFT} replay {BODIES} Buggy.LostUpdate w1d-", r.stdout)
        self.assertRegex(r.stdout, r"bug: assertion failed")

    def test_slices_explore_what_one_process_does(self):
        # The same executions whatever the number of workers: the same count,
        # the same distinct schedules, the same first bug.
        args = ["--strategy", "random", "--iterations", "3000", "--keep-going"]
        _, one = run_json(BODIES, "Clean.*:Later.*", *args, "--jobs", "1")
        _, two = run_json(BODIES, "Clean.*:Later.*", *args, "--jobs", "2")
        for name in ("Clean.LockedCounter", "Later.StillRuns"):
            for field in ("executions", "steps", "distinct_schedules"):
                self.assertEqual(by_test(one)[name][field], by_test(two)[name][field], (name, field))
        _, one = run_json(BODIES, "Buggy.*", "--jobs", "1")
        _, three = run_json(BODIES, "Buggy.*", "--jobs", "3")
        self.assertEqual(by_test(one)["Buggy.LostUpdate"]["failure"]["seed_token"],
                         by_test(three)["Buggy.LostUpdate"]["failure"]["seed_token"])
        self.assertEqual(by_test(one)["Buggy.LostUpdate"]["token"], by_test(three)["Buggy.LostUpdate"]["token"])

    def test_time_budget(self):
        r, results = run_json(BODIES, "Clean.*:Later.*", "--time", "1s", "--jobs", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        for t in results["tests"]:
            self.assertGreater(t["executions"], 0)
            self.assertLess(t["seconds"], 5)

    def test_stops_at_first_bug_unless_keep_going(self):
        r, results = run_json(BODIES, "Buggy.*:Later.*")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(by_test(results)["Later.StillRuns"]["result"], "not run")
        r, results = run_json(BODIES, "Buggy.*:Later.*", "--keep-going")
        self.assertEqual(by_test(results)["Later.StillRuns"]["result"], "passed")

    def test_plain_progress_lines_without_a_terminal(self):
        r = weft("run", BODIES, "Clean.*", "--time", "6s", "--jobs", "1")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"\[weft\] tests 0/1  \d+ executions/s  00:0\d elapsed  bugs 0\n")
        self.assertNotIn("\r", r.stderr)


class Sharding(unittest.TestCase):
    def shard_results(self, env=None, flag=None):
        args = [BODIES, "Clean.*", "--strategy", "random", "--iterations", "2000"] + (["--shard", flag] if flag else [])
        r, results = run_json(*args, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return by_test(results)["Clean.LockedCounter"]

    def test_shards_split_the_executions(self):
        whole = self.shard_results()
        for make in (lambda i, n: {"flag": f"{i}/{n}"},
                     lambda i, n: {"env": {"GTEST_SHARD_INDEX": str(i), "GTEST_TOTAL_SHARDS": str(n)}},
                     lambda i, n: {"env": {"TEST_SHARD_INDEX": str(i), "TEST_TOTAL_SHARDS": str(n)}},
                     lambda i, n: {"env": {"JOB_COMPLETION_INDEX": str(i), "WEFT_TOTAL_SHARDS": str(n)}}):
            parts = [self.shard_results(**make(i, 3)) for i in range(3)]
            self.assertEqual(sum(p["executions"] for p in parts), whole["executions"])
            self.assertEqual(sum(p["steps"] for p in parts), whole["steps"])
            # Blocks of 256 executions, round-robin: 2000 = 7 blocks + 208.
            self.assertEqual([p["executions"] for p in parts], [768, 720, 512])

    def test_a_shard_finds_bugs_in_its_own_executions(self):
        for i in range(2):
            _, results = run_json(BODIES, "Buggy.*", "--shard", f"{i}/2")
            execution = by_test(results)["Buggy.LostUpdate"]["failure"]["execution"]
            self.assertEqual(execution // 256 % 2, i)

    def test_bazel_status_file_is_touched(self):
        with tempfile.TemporaryDirectory() as d:
            status = os.path.join(d, "status")
            self.shard_results(env={"TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "2", "TEST_SHARD_STATUS_FILE": status})
            self.assertTrue(os.path.exists(status))


class CrashAndHang(unittest.TestCase):
    def test_crashes_and_hangs_cost_only_their_worker(self):
        # 3 s: under a sanitizer, printing its report of the null store (symbolized
        # stack) can take over a second on a loaded machine, and must not count as a hang.
        r, results = run_json(BODIES, "--keep-going", "--stall-timeout", "3s", "--jobs", "2")
        self.assertEqual(r.returncode, 1, r.stderr)
        tests = by_test(results)
        self.assertEqual(tests["Clean.LockedCounter"]["result"], "passed")
        self.assertEqual(tests["Buggy.LostUpdate"]["result"], "bug")
        self.assertEqual(tests["Later.StillRuns"]["result"], "passed")
        self.assertEqual(tests["Later.StillRuns"]["executions"], 1000)
        for name, signal in (("Crash.NullDereference", "Segmentation fault"), ("Crash.Abort", "Aborted")):
            t = tests[name]
            self.assertEqual(t["result"], "crash", t)
            self.assertRegex(t["token"], r"^w1s-")
            self.assertIn("its last output:", t["problem"])
            self.assertIn("replayed once in a fresh worker", t["problem"])
            if "Sanitizer" in t["problem"]:
                # A sanitizer build catches the null store itself and exits 1:
                # still a crash of the worker, with the sanitizer's report.
                self.assertIn("the worker exited with code 1", t["problem"])
                continue
            self.assertIn(signal, t["problem"])
            # (Under AddressSanitizer a segfault ends the worker with exit code 1, not the signal.)
            self.assertRegex(t["problem"], "crashed again( the same way)?; the interleaving up to the crash:")
            self.assertIn("crash in thread 0: signal", t["problem"])
            self.assertIn("Interleaving", t["problem"])
            # The token reproduces the crash, in a worker of `weft replay`.
            again = weft("replay", BODIES, name, t["token"])
            self.assertEqual(again.returncode, 1, again.stdout + again.stderr)
            self.assertIn("weft found a bug: crash in thread 0: signal", again.stdout)
            self.assertIn(signal, again.stdout)
        for name, cause in (("Hang.AtomicSpin", "a loop that never reaches a scheduling point"),
                            ("Hang.RealMutex", "a real lock")):
            t = tests[name]
            self.assertEqual(t["result"], "hang", t)
            self.assertIn("execution stalled outside weft's control", t["problem"])
            self.assertIn("likely cause: " + cause, t["problem"])
            self.assertIn("native stack of the stuck thread", t["problem"])
            self.assertIn("bodies.cc" if name == "Hang.AtomicSpin" else "mutex_lock", t["problem"])
            self.assertIn(t["token"], t["problem"])
        self.assertIn(f"replay: {WEFT} replay {BODIES} Hang.RealMutex w1s-", r.stdout)

    def test_replay_of_a_hang_reports_it(self):
        _, results = run_json(BODIES, "Hang.RealMutex", "--stall-timeout", "1s")
        token = by_test(results)["Hang.RealMutex"]["token"]
        r = weft("replay", BODIES, "Hang.RealMutex", token, "--stall-timeout", "1s")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("hang: weft: execution stalled outside weft's control", r.stdout)


class Replay(unittest.TestCase):
    def test_replay_line_reproduces_the_report_byte_for_byte(self):
        r = weft("run", EXAMPLE, "Bank.DISABLED_LostUpdate", "--also-run-disabled")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        report = r.stdout.split("=== bank_test Bank.DISABLED_LostUpdate: bug\n", 1)[1].split("(found at execution")[0]
        command = re.search(r"^  (\S+ replay .*)$", report, re.M).group(1).split()
        self.assertEqual(command[:4], [WEFT, "replay", EXAMPLE, "Bank.DISABLED_LostUpdate"])
        again = subprocess.run(command, capture_output=True, text=True)
        self.assertEqual(again.returncode, 1, again.stderr)
        self.assertEqual(again.stdout, report)

    def test_readme_shows_what_its_replay_line_prints(self):
        # README's `weft run` sample: its report is the replay of the token it
        # shows, so a change to the example or the report makes it stale.
        readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md")).read()
        shown = readme.split("=== bank_test Bank.DISABLED_LostUpdate: bug\n", 1)[1].split("(found at execution")[0]
        token = re.search(r"^  token: +(\S+)$", shown, re.M).group(1)
        r = weft("replay", EXAMPLE, "Bank.DISABLED_LostUpdate", token)
        self.assertEqual(r.returncode, 1, r.stderr)
        shown = shown.replace("build/tools/weft/weft", WEFT).replace("build/examples/bank_test", EXAMPLE)
        self.assertEqual(r.stdout, shown, "README's `weft run` sample is stale: run the command it shows again")

    def test_replay_from_json_and_html(self):
        with tempfile.TemporaryDirectory() as d:
            r = weft("run", BODIES, "Buggy.*", "--report-dir", d)
            self.assertEqual(r.returncode, 1)
            failure = os.path.join(d, "Buggy.LostUpdate.json")
            html = os.path.join(d, "replayed.html")
            again = weft("replay", BODIES, "Buggy.LostUpdate", failure, "--html", html, "--json",
                         os.path.join(d, "replayed.json"))
            self.assertEqual(again.returncode, 1, again.stderr)
            self.assertIn("assertion failed: counter == 2", again.stdout)
            with open(html) as f:
                self.assertIn("counter == 2", f.read())
            with open(os.path.join(d, "replayed.json")) as f:
                self.assertEqual(json.load(f)["kind"], "assertion failed")

    def test_passing_schedule_exits_0(self):
        r = weft("replay", BODIES, "Clean.LockedCounter", "w1s-random-5eed-0-100000-0")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("ran to its end without a failure", r.stdout)


class Gdb(unittest.TestCase):
    """`weft replay --gdb`: gdb runs the test binary under the token and stops
    where the failure is raised. gdb reads the commands after the stop from
    stdin (not a terminal here)."""

    def under_gdb(self, test, token, commands="bt\nkill\nquit\n"):
        self.assertTrue(any(os.access(os.path.join(d, "gdb"), os.X_OK) for d in os.environ["PATH"].split(":")),
                        "gdb is not on PATH: ci/setup.sh installs it")
        return subprocess.run([WEFT, "replay", BODIES, test, token, "--gdb"], input=commands, capture_output=True,
                              text=True, timeout=300)

    def test_stops_on_the_failing_threads_stack(self):
        _, results = run_json(BODIES, "Buggy.*")
        r = self.under_gdb("Buggy.LostUpdate", by_test(results)["Buggy.LostUpdate"]["token"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # Stopped at the hook, called from the assertion in the body, before the report.
        self.assertRegex(r.stdout, r"Breakpoint 1, (0x[0-9a-f]+ in )?weft_failure_raised")
        frames = re.findall(r"^(?:\(gdb\) )?(#\d+ .*)", r.stdout, re.M)
        self.assertIn("weft_failure_raised", frames[0])
        self.assertTrue(any("assertion_failed" in f for f in frames), frames)
        self.assertTrue(any("weft_body_Buggy_LostUpdate" in f for f in frames), frames)
        self.assertNotIn("weft found a bug", r.stdout)

    def test_a_crash_stops_at_its_signal(self):
        _, results = run_json(BODIES, "Crash.NullDereference", "--stall-timeout", "3s")
        r = self.under_gdb("Crash.NullDereference", by_test(results)["Crash.NullDereference"]["token"])
        # Under UBSan or ASan the sanitizer reports the null store before any
        # signal: gdb stops at its report hook instead, on the same stack.
        self.assertRegex(r.stdout, r"received signal SIGSEGV|Breakpoint \d+, .*__(ubsan_on_report|asan_on_error)")
        frames = re.findall(r"^(?:\(gdb\) )?(#\d+ .*)", r.stdout, re.M)
        self.assertTrue(any("weft_body_Crash_NullDereference" in f for f in frames), frames)

    def test_bad_use(self):
        token = "w1s-random-5eed-0-100000-0"
        for args, env, part in (
            (["--html", "x.html"], None, "--gdb runs the binary itself"),
            (["--json", "x.json"], None, "--gdb runs the binary itself"),
            ([], {"PATH": "/nonexistent"}, "--gdb needs gdb on PATH"),
        ):
            r = weft("replay", BODIES, "Buggy.LostUpdate", token, "--gdb", *args, env=env)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertEqual(r.stdout, "")
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(part, r.stderr)


class Minimize(unittest.TestCase):
    def test_finds_a_schedule_no_more_complex(self):
        _, results = run_json(BODIES, "Buggy.*", "--strategy", "random", "--seed", "7")
        token = by_test(results)["Buggy.LostUpdate"]["token"]
        r = weft("minimize", BODIES, "Buggy.LostUpdate", token, "--budget", "100")
        self.assertEqual(r.returncode, 1, r.stderr)
        counts = re.findall(r"^(before|after): +(\d+) preemptions, (\d+) steps", r.stdout, re.M)
        self.assertEqual([c[0] for c in counts], ["before", "after"])
        before, after = [(int(c[1]), int(c[2])) for c in counts]
        self.assertLessEqual(after, before)
        self.assertIn("assertion failed: counter == 2", r.stdout)
        new_token = re.search(r"^token: +(w1d-\S+)", r.stdout, re.M).group(1)
        # The new token fails the same way, with the counts it claims.
        again = weft("replay", BODIES, "Buggy.LostUpdate", new_token)
        self.assertEqual(again.returncode, 1)
        self.assertIn("bodies.cc:39", again.stdout)
        self.assertEqual(again.stdout.count("|*"), after[0])

    def test_bad_input(self):
        for args, part in (([BODIES, "Buggy.LostUpdate"], "expected BINARY TEST TOKEN"),
                           ([BODIES, "Buggy.LostUpdate", "w1d-"], "bad schedule token"),
                           ([BODIES, "No.Such", "w1s-random-5eed-0-100000-0"], "no WEFT_TEST named"),
                           ([BODIES, "Clean.LockedCounter", "w1s-random-5eed-0-100000-0"], "does not fail"),
                           ([BODIES, "Buggy.LostUpdate", "w1s-random-5eed-0-100000-0", "--budget", "0"], "--budget")):
            r = weft("minimize", *args)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(part, r.stderr)


class Outputs(unittest.TestCase):
    def test_json_junit_and_report_dir(self):
        with tempfile.TemporaryDirectory() as d:
            junit = os.path.join(d, "junit.xml")
            r = weft("run", BODIES, "Clean.*:Buggy.*:Later.*", "--keep-going", "--junit", junit, "--json",
                     os.path.join(d, "run.json"), "--report-dir", os.path.join(d, "reports"))
            self.assertEqual(r.returncode, 1, r.stderr)
            with open(os.path.join(d, "run.json")) as f:
                results = json.load(f)
            self.assertEqual((results["format"], results["version"]), ("weft-run", 1))
            bug = by_test(results)["Buggy.LostUpdate"]
            self.assertEqual(bug["failure"]["format"], "weft-failure")
            self.assertEqual(bug["failure"]["kind"], "assertion failed")
            schema = os.path.join(os.path.dirname(os.path.abspath(__file__)), "junit.xsd")
            valid = subprocess.run(["xmllint", "--noout", "--schema", schema, junit], capture_output=True, text=True)
            self.assertEqual(valid.returncode, 0, valid.stderr)
            suite = ET.parse(junit).getroot().find("testsuite")
            self.assertEqual(suite.get("name"), os.path.basename(BODIES))
            self.assertEqual((suite.get("tests"), suite.get("failures")), ("3", "1"))
            cases = {c.get("classname") + "." + c.get("name"): c for c in suite.findall("testcase")}
            self.assertIsNone(cases["Clean.LockedCounter"].find("failure"))
            failure = cases["Buggy.LostUpdate"].find("failure")
            self.assertEqual(failure.get("message"), "assertion failed: counter == 2")
            self.assertIn("Interleaving", failure.text)
            listing = sorted(os.listdir(os.path.join(d, "reports")))
            self.assertEqual(listing, ["Buggy.LostUpdate.html", "Buggy.LostUpdate.json"])

    def test_check_determinism_accepts_a_deterministic_body(self):
        r = weft("run", BODIES, "Buggy.*", "--check-determinism")
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("not deterministic", r.stdout)

    def test_check_determinism_names_a_body_that_depends_on_its_process(self):
        r = weft("run", BODIES, "Nondeterministic.*", "--check-determinism")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("weft: the body is not deterministic under weft: replaying the decision token did not "
                      "reproduce the failure. It depends on something outside weft's control", r.stdout)
        _, results = run_json(BODIES, "Nondeterministic.*")
        self.assertIn("did not reproduce", by_test(results)["Nondeterministic.CountsItsRuns"]["divergence"])
        _, results = run_json(BODIES, "Buggy.*")
        self.assertEqual(by_test(results)["Buggy.LostUpdate"]["divergence"], "")


if __name__ == "__main__":
    case = sys.argv[4]
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(globals()[case])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
