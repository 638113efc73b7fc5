#!/usr/bin/env python3
"""The HTML view of a failure, loaded in headless Chromium.

usage: html_chromium_test.py WEFT BODIES

`weft replay --html` writes the page of tests/cli/bodies.cc's Buggy.LostUpdate;
Chromium loads it and dumps the DOM it built. Checked: no console message, one
lane (column) per thread, the failing step's row marked, a source line on the
steps, the replay command. Exits 77 (ctest: skipped) when no Chromium is
installed: ci/setup.sh does not install it (a few hundred MB for one test);
`apt-get install chromium` to run it.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

WEFT, BODIES = sys.argv[1:3]
SKIPPED = 77


def main():
    browser = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if browser is None:
        print("SKIPPED: no chromium installed (apt-get install chromium); the HTML view is not checked in a browser")
        return SKIPPED
    with tempfile.TemporaryDirectory() as d:
        results = os.path.join(d, "run.json")
        subprocess.run([WEFT, "run", BODIES, "Buggy.*", "--json", results], capture_output=True, check=False)
        with open(results) as f:
            failure = json.load(f)["tests"][0]["failure"]
        page = os.path.join(d, "failure.html")
        replay = subprocess.run([WEFT, "replay", BODIES, "Buggy.LostUpdate", failure["token"], "--html", page],
                                capture_output=True, text=True)
        assert replay.returncode == 1, replay.stderr
        loaded = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                 f"--user-data-dir={os.path.join(d, 'profile')}", "--enable-logging=stderr", "--v=0",
                                 "--dump-dom", "file://" + page], capture_output=True, text=True, timeout=120)
        dom = loaded.stdout
        assert loaded.returncode == 0, loaded.stderr
        console = [line for line in loaded.stderr.splitlines() if "CONSOLE" in line]
        assert not console, console
        threads = failure["threads"]
        assert dom.count("<th>thread ") == threads, dom
        assert len(re.findall(r"<tr id=\"step-\d+\"", dom)) == len(failure["trace"]), "one row per step"
        rows = re.findall(r"<tr id=\"step-(\d+)\"[^>]*data-failed=", dom)
        assert rows == [str(failure["step"])], rows
        # Every row has a cell in each thread's lane.
        for row in re.findall(r"<tr id=\"step-\d+\".*?</tr>", dom, re.S):
            assert row.count("<td") == threads + 1, row
        assert "bodies.cc:" in dom
        command = f"{WEFT} replay {BODIES} Buggy.LostUpdate {failure['token']}"
        assert command in dom, command
    print("ok: the HTML view loads in", browser, "with", threads, "lanes and the failing step marked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
