#!/usr/bin/env python3
"""Tests of ci/mutate.py that need no build: the checked-in list applies to
the current code (so it cannot silently rot), and a bad list or bad flags
give one clear message and exit code 2."""

import pathlib
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MUTATE = ROOT / "ci" / "mutate.py"


def mutate(*args):
    return subprocess.run([sys.executable, str(MUTATE), *args], capture_output=True, text=True, cwd=ROOT)


class ListIsCurrent(unittest.TestCase):
    def test_every_entry_applies_once(self):
        r = mutate("--check")
        self.assertEqual(r.returncode, 0, r.stderr)
        count = int(r.stdout.split()[1])
        self.assertGreaterEqual(count, 40, "the issue asks for at least 40 mutations")


class BadInput(unittest.TestCase):
    def run_list(self, text, *extra):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(text)
        try:
            return mutate("--check", "--list", f.name, *extra)
        finally:
            pathlib.Path(f.name).unlink()

    def assert_usage_error(self, r, *words):
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        for w in words:
            self.assertIn(w, lines[0])

    GOOD = ("id: a\nwhy: w\nfile: lib/weft/report/token.cc\n"
            "from:   if (!in.empty()) return bad(text, \"trailing data after the decisions\");\nto: x\n")

    def test_good_entry_passes(self):
        r = self.run_list(self.GOOD)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_missing_key(self):
        self.assert_usage_error(self.run_list("id: a\nwhy: w\nfile: f\nfrom: x\n"), "lacks to")

    def test_unknown_key(self):
        self.assert_usage_error(self.run_list(self.GOOD + "colour: red\n"), ":6:", "key among")

    def test_key_twice(self):
        self.assert_usage_error(self.run_list(self.GOOD + "to: y\n"), "'to' given twice")

    def test_duplicate_id(self):
        self.assert_usage_error(self.run_list(self.GOOD + "\n" + self.GOOD), "id 'a' is used twice")

    def test_identity_mutation(self):
        self.assert_usage_error(self.run_list("id: a\nwhy: w\nfile: f\nfrom: x\nto: x\n"), "with itself")

    def test_continuation_without_key(self):
        self.assert_usage_error(self.run_list("|  orphan\n"), "continuation")

    def test_snippet_not_found(self):
        r = self.run_list(self.GOOD.replace("trailing data", "trailing junk"))
        self.assert_usage_error(r, "'a'", "not found", "token.cc")

    def test_snippet_twice(self):
        r = self.run_list("id: a\nwhy: w\nfile: lib/weft/report/token.cc\nfrom: return\nto: x\n")
        self.assert_usage_error(r, "occurs", "times")

    def test_missing_file(self):
        r = self.run_list(self.GOOD.replace("token.cc", "no_such_file.cc"))
        self.assert_usage_error(r, "does not exist")

    def test_empty_list(self):
        self.assert_usage_error(self.run_list("# nothing\n"), "no mutations")

    def test_unreadable_list(self):
        self.assert_usage_error(mutate("--check", "--list", "/nonexistent/list.txt"), "cannot read")

    def test_unknown_only_id(self):
        self.assert_usage_error(self.run_list(self.GOOD, "--only", "a,b"), "unknown mutation(s) b")

    def test_bad_jobs(self):
        self.assert_usage_error(mutate("--jobs", "0"), "--jobs")

    def test_unknown_flag(self):
        r = mutate("--frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unrecognized arguments: --frobnicate", r.stderr)


if __name__ == "__main__":
    unittest.main()
