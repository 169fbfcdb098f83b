"""Run the test suite (or any command) several times in a row beside CPU-hog processes.

    python scripts/under_load.py                      # CI=true pytest, 3 runs, 2 hogs
    python scripts/under_load.py --runs 5 --hogs 2 -- -m server tests/live

What a busy CI runner does to the timing of the live tests: each hog keeps one core busy for the
whole series (started and stopped by this script, by pid). Stops at the first failing run and says
which; exits non-zero then. Not part of normal CI: see docs/testing-under-load.md.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def start_hogs(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def stop_hogs(hogs: list[subprocess.Popen]) -> None:
    for hog in hogs:
        if hog.poll() is None:
            os.kill(hog.pid, signal.SIGKILL)
            hog.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs in a row (default 3)")
    parser.add_argument("--hogs", type=int, default=2, help="CPU-hog processes beside them (default 2)")
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --); default: the whole suite")
    args = parser.parse_args()
    # The network tests' ping window (tests/live/test_network.py) is set before anything can be measured.
    env = {**os.environ, "CI": "true", "PAJA_TEST_PING": os.environ.get("PAJA_TEST_PING", "5")}
    hogs = start_hogs(args.hogs)
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            result = subprocess.run([sys.executable, "-m", "pytest", *args.pytest_args], env=env)
            took = time.monotonic() - started
            print(f"--- run {run} of {args.runs} beside {args.hogs} CPU hogs: exit {result.returncode} "
                  f"in {took / 60:.1f} min", flush=True)
            if result.returncode != 0:
                return result.returncode
    finally:
        stop_hogs(hogs)
    print(f"--- {args.runs} runs in a row passed beside {args.hogs} CPU hogs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
