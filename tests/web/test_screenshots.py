"""`make screenshots` renders the demo evening's run sheet, projector and phones with Debian's Chromium."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.server]
SHOTS = {"facilitator-run-sheet": (1280, 800), "projector-lobby": (1920, 1080), "projector-feedback": (1920, 1080),
         "phone-join": (375, 667), "phone-lobby": (375, 667), "phone-results": (375, 667)}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_screenshots_of_the_demo_evening(tmp_path, chromium_path):
    out = subprocess.run([sys.executable, "scripts/screenshots.py", "--out", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    for name, size in SHOTS.items():
        data = (tmp_path / f"{name}.png").read_bytes()
        assert png_size(data) == size and len(data) > 10_000, name  # a real picture, not a blank page
