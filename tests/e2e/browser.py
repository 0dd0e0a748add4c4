"""Open a page in real headless Chromium (Debian's, installed by `make chromium`) and record what it did:
console errors, page errors and every request it made, plus a full-page screenshot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Request, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# No background traffic of the browser's own: only the page's requests should leave it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


@dataclass
class Visit:
    """What one page load did, and what the rendered page measures."""

    status: int
    title: str = ""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    measures: dict[str, Any] = field(default_factory=dict)

    def off_loopback(self) -> list[str]:
        """Requests to any host other than loopback (data: URLs never leave the page)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme != "data" and urlsplit(url).hostname not in LOOPBACK_HOSTS
        ]


# Measured in the page once it has loaded: the charts' boxes, whether the document scrolls sideways,
# where each section starts, the visible text, and any element that reaches past the viewport.
MEASURE = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  svgs: [...document.querySelectorAll('svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    return {width: box.width, height: box.height};
  }),
  sections: [...document.querySelectorAll('section[id]')].map(section => ({
    id: section.id, top: section.getBoundingClientRect().top + window.scrollY,
  })),
  text: document.body.innerText,
  lang: document.documentElement.lang,
  overflowing: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
      && !el.closest('svg') && getComputedStyle(el).position !== 'absolute')
    .slice(0, 5).map(el => el.tagName + '.' + el.className),
})"""


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: run `make chromium` (installs Debian's package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def visit(browser: Browser, url: str, width: int, height: int, screenshot: Path) -> Visit:
    """Load url in a fresh context of the given viewport, wait for the network to settle, measure, shoot."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        page = context.new_page()
        seen = Visit(status=0)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                seen.console_errors.append(f"{message.text} at {message.location}")

        def on_request(request: Request) -> None:
            seen.requests.append(request.url)

        page.on("console", on_console)
        page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
        context.on("request", on_request)  # the whole context: workers and frames too
        response = page.goto(url, wait_until="networkidle", timeout=15_000)
        seen.status = response.status if response is not None else 0
        seen.title = page.title()
        seen.measures = page.evaluate(MEASURE)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        return seen
    finally:
        context.close()


def visit_widths(url: str, widths: dict[str, tuple[int, int]], shots: Path, name: str) -> dict[str, Visit]:
    """One visit per device of `widths` (device -> viewport), each shot as `<name>-<width>px.png`."""
    with chromium() as browser:
        return {
            device: visit(browser, url, width, height, shots / f"{name}-{width}px.png")
            for device, (width, height) in widths.items()
        }


def clean_problems(seen: Visit, width: int, title_holds: str) -> list[str]:
    """What is wrong with a page that should load, log nothing, stay on loopback and fit its width."""
    checks = {
        "status": seen.status == 200,
        "console errors": not seen.console_errors,
        "page errors": not seen.page_errors,
        "requests beyond loopback": not seen.off_loopback(),
        "title": title_holds in seen.title,
        "sideways scroll": seen.measures.get("scrollWidth", width + 1) <= width,
        "overflowing elements": not seen.measures.get("overflowing"),
    }
    return [problem for problem, fine in checks.items() if not fine]
