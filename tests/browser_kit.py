"""Drive Debian's Chromium with Playwright against pages served over HTTP on 127.0.0.1.

The network is off in effect: every request is routed through ``Recorder``, which lets through
only the origins a test names and aborts the rest, so a page that tried to reach a CDN or any
other host would fail the test (``Recorder.foreign``). ``--host-resolver-rules`` maps test host
names (``rebind.test``) to 127.0.0.1 without DNS, which is how DNS rebinding is reproduced.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--host-resolver-rules=MAP rebind.test 127.0.0.1, MAP *.rebind.test 127.0.0.1",
]


def require_browser() -> None:
    """Skip the calling test, saying why, when Chromium or playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (run .ci/browser.sh: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")


class Recorder:
    """Everything a browser context did: requests, responses, console messages, page errors."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        self.allowed = allowed
        self.requests: list[str] = []
        self.responses: list[tuple[str, int]] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    @property
    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.allowed)]

    def route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.allowed):
            route.continue_()
        else:
            route.abort()

    def watch(self, page: Any) -> Any:
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("response", lambda r: self.responses.append((r.url, r.status)))
        return page


@contextmanager
def browser(
    allowed: tuple[str, ...], viewport: tuple[int, int] = (1280, 800)
) -> Iterator[tuple[Any, Recorder]]:
    """Yield (browser context, recorder): a fresh headless Chromium limited to ``allowed``."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            context = chromium.new_context(
                viewport={"width": viewport[0], "height": viewport[1]},
                service_workers="block",
            )
            recorder = Recorder(allowed)
            context.route("**/*", recorder.route)
            yield context, recorder
        finally:
            chromium.close()
