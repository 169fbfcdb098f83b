"""The live load benchmark runs: `bench/live_load.py --quick` against run.py and its baseline.

Not a performance test (the figures depend on the machine): the bench starts both servers, the phones
join, post and hear each other, and it ends with its one summary line, with nothing lost.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parent.parent.parent
SUMMARY = re.compile(
    r"^live_load scenario=notes phones=(\d+) db=sqlite mode=eventlet workers=1 "
    r"p95_ms=\d+\.\d base_p95_ms=\d+\.\d ratio=\d+\.\d\d "
    r"cpu_ms_per_note=\d+\.\d\d base_cpu_ms_per_note=\d+\.\d\d lost=(\d+)$")


def test_a_quick_bench_run_ends_with_its_summary_line_and_loses_nothing():
    run = subprocess.run([sys.executable, "bench/live_load.py", "--quick", "--timeout", "240"], cwd=ROOT, check=False,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    last = run.stdout.strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    assert match.group(2) == "0", run.stdout[-3000:]
