"""Browser helpers for the end-to-end tests: chromium via Playwright, axe-core, QR decoding, artifacts."""
from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
LAPTOP = {"viewport": {"width": 1280, "height": 900}}

# Runs before any page script: a CSP violation becomes a console error the watcher sees.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("securitypolicyviolation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""

_axe = Axe()


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a PNG image, via zbarimg (fails when it finds none)."""
    with tempfile.NamedTemporaryFile(suffix=".png") as fh:
        fh.write(png)
        fh.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", fh.name], capture_output=True, text=True, timeout=20,
                             check=False)
    assert out.returncode == 0, f"zbarimg found no QR code (exit {out.returncode}): {out.stderr}"
    codes = out.stdout.strip().splitlines()
    assert len(codes) == 1, f"expected one QR code, zbarimg found {codes}"
    return codes[0]


class Browsing:
    """The contexts and pages of one test, watched for JS errors, CSP violations and broken assets.

    Use as a context manager: on an exception every open page is screenshotted to test-artifacts/,
    and at exit all contexts are closed (the `browsing` fixture does the same for a failed test).
    """

    def __init__(self, browser, base_url: str, name: str):
        self.browser = browser
        self.base_url = base_url
        self.name = re.sub(r"[^\w-]+", "_", name)
        self.problems: list[str] = []
        self.tolerated: list[re.Pattern] = []
        self.contexts = []
        self.pages: dict[str, object] = {}

    def new_page(self, label: str, **context_options):
        # A phone or laptop in Finland: the first visit takes the browser's language (Accept-Language).
        context_options.setdefault("locale", "fi-FI")
        ctx = self.browser.new_context(base_url=self.base_url, **context_options)
        ctx.set_default_timeout(10_000)
        ctx.add_init_script(CSP_LISTENER)
        self.contexts.append(ctx)
        page = ctx.new_page()
        self.pages[label] = page
        self._watch(page, label)
        return page

    def _watch(self, page, label: str) -> None:
        def on_console(msg):
            text = msg.text
            if any(p.search(text) for p in self.tolerated):
                return
            if msg.type == "error" and not text.startswith("Failed to load resource"):
                self.problems.append(f"[{label}] console error: {text} ({page.url})")
            elif "Refused to" in text or "securitypolicyviolation" in text:
                self.problems.append(f"[{label}] CSP: {text} ({page.url})")

        def on_response(response):
            # Documents may answer 4xx on purpose (validation, 404 page); assets and sockets may not.
            if response.status >= 400 and response.request.resource_type != "document":
                self.problems.append(f"[{label}] {response.status} for {response.request.resource_type} "
                                     f"{response.url}")

        def on_dialog(dialog):
            # The app never opens alert/confirm/prompt: one that opens is injected script (XSS) or a bug.
            self.problems.append(f"[{label}] unexpected {dialog.type} dialog: {dialog.message!r} ({page.url})")
            dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"[{label}] JS error: {exc} ({page.url})"))
        page.on("response", on_response)
        page.on("dialog", on_dialog)

    def tolerate(self, pattern: str) -> None:
        """Console messages matching `pattern` are expected from now on (e.g. a phone that goes offline)."""
        self.tolerated.append(re.compile(pattern))

    def assert_clean(self) -> None:
        assert not self.problems, "browser problems:\n" + "\n".join(self.problems)

    def check_a11y(self, page, what: str) -> None:
        """axe-core at WCAG 2.1 A/AA on the page as it is now; also checks the console so far."""
        results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                          "resultTypes": ["violations"]})
        if results.violations_count:
            self.screenshot(page, f"axe-{what}")
        assert results.violations_count == 0, f"axe on {what} ({page.url}):\n{results.generate_report()}"
        self.assert_clean()

    def screenshot(self, page, what: str, **options) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{what}.png"
        page.screenshot(path=str(path), **options)
        return path

    def screenshot_all(self, what: str = "failure") -> None:
        """Full-page screenshots of every open page, for debugging a failed test."""
        for label, page in self.pages.items():
            if not page.is_closed():
                with contextlib.suppress(Exception):
                    self.screenshot(page, f"{what}-{label}", full_page=True)

    def close(self) -> None:
        for ctx in self.contexts:
            with contextlib.suppress(Exception):
                ctx.close()
        self.contexts.clear()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is not None:
                self.screenshot_all()
        finally:
            self.close()
        return False


def fill_join_form(phone, municipality: str, background: str, first_name: str = "") -> None:
    """Pick the two choices of the join form, opening "somewhere else" and the optional details when needed."""
    choice = phone.locator(f'input[name="municipality"][value="{municipality}"]')
    if not choice.is_visible():
        phone.locator(".tile-more summary").click()
    choice.check()
    phone.check(f'input[name="background"][value="{background}"]')
    if first_name:
        if not phone.locator("#first_name").is_visible():
            phone.locator("#more-about-me summary").click()
        phone.fill("#first_name", first_name)
