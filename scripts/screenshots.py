"""Pictures of Paja for the README: the demo evening in Debian's Chromium (`make screenshots`).

Starts the real server (run.py) on loopback with a fresh instance folder, creates the demo with
`flask paja demo --keep-open` (a finished sample evening left open in its feedback phase, and an empty
workshop), then renders the facilitator's run sheet (1280×800), the projector (1920×1080) and phones
(375×667) into docs/screenshots/ (or --out). Playwright drives /usr/bin/chromium (never
`playwright install`); the pages are Finnish, as on a phone in Finland.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PAJA_CHROMIUM", "/usr/bin/chromium")
LAPTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 375, "height": 667}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def line(pattern: str, text: str) -> str:
    return re.search(pattern, text, re.M).group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "PAJA_INSTANCE": instance, "PAJA_HOST": "127.0.0.1", "PAJA_PORT": str(port),
               "PAJA_BASE_URL": base}
        demo = subprocess.run([sys.executable, "-m", "flask", "--app", "workshop", "paja", "demo", "--keep-open"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True).stdout
        email, password = line(r"^Login:\s+(\S+) /", demo), line(r"^Login:\s+\S+ / (\S+)", demo)
        run_sheet = line(r"^\s+Run sheet:\s+(\S+)", demo)
        results = line(r"^\s+Results page:\s+(\S+)", demo)
        sample_screen = line(r"^\s+Projector:\s+(\S+)", demo)
        empty_screen = line(r"^Projector:\s+(\S+)", demo)
        phones = line(r"^\s+Phones:\s+(\S+)", demo)
        server = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if urlopen(base + "/healthz", timeout=2).status == 200:
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.2)
            shots = take(args.out, email, password, run_sheet, results, sample_screen, empty_screen, phones)
        finally:
            server.terminate()
            server.wait(10)
    for path in shots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def take(out: Path, email, password, run_sheet, results, sample_screen, empty_screen, phones) -> list[Path]:
    shots = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)

        def page(size):
            return browser.new_context(viewport=size, locale="fi-FI").new_page()

        def shot(p, name, **options):
            p.wait_for_load_state("networkidle")
            path = out / f"{name}.png"
            p.screenshot(path=str(path), **options)
            shots.append(path)

        laptop = page(LAPTOP)
        laptop.goto(run_sheet)  # the login page first
        laptop.fill('input[name="email"]', email)
        laptop.fill('input[name="password"]', password)
        laptop.locator('main button[type="submit"]').click()
        laptop.wait_for_url(run_sheet)
        shot(laptop, "facilitator-run-sheet")

        projector = page(PROJECTOR)
        projector.goto(empty_screen)
        shot(projector, "projector-lobby")
        projector.goto(sample_screen)
        shot(projector, "projector-feedback")

        phone = page(PHONE)
        phone.goto(phones)
        shot(phone, "phone-join")
        phone.locator('input[name="municipality"]').first.check()
        phone.locator('input[name="background"]').first.check()
        phone.locator("button.join-button").click()
        phone.wait_for_selector('#live-root[data-role="participant"]')
        shot(phone, "phone-lobby")
        phone.goto(results)
        shot(phone, "phone-results")
        browser.close()
    return shots


if __name__ == "__main__":
    main()
