"""Open a page in real headless Chromium (Debian's, installed by `make chromium`) and record what it did:
console errors, page errors and every request it made, plus a full-page screenshot."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Request, sync_playwright

from infra.local.harness import ROOT

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
# Where the pages and screenshots are kept, and the viewports every page is opened at.
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
WIDTHS = {"phone": (390, 844), "laptop": (1280, 800)}


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
  // text squeezed into a sliver: a sentence laid out a few letters a line (a caption left in
  // table layout inside a table made a block, say)
  slivers: [...document.querySelectorAll('body *')]
    .filter(el => {
      const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
      const box = el.getBoundingClientRect();
      return own.length >= 20 && box.width > 0 && box.width < 80 && box.height > 150;
    })
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


def screenshot(name: str, device: str) -> Path:
    """Where the screenshot of page `name` at the device's width is kept."""
    return ARTIFACTS / f"{name}-{WIDTHS[device][0]}px.png"


def visit_at_every_width(url: str, name: str) -> dict[str, Visit]:
    """The page opened in one headless Chromium once per device of WIDTHS, each shot kept."""
    with chromium() as browser:
        return {
            device: visit(browser, url, width, height, screenshot(name, device))
            for device, (width, height) in WIDTHS.items()
        }


def problems_of_a_presigned_page(
    seen: Visit, device: str, name: str, title_with: str, phone_slack: int = 0
) -> list[str]:
    """Why page `name`, opened from its presigned loopback link on the device, did not load cleanly: not
    a 200, a title without `title_with`, an error logged (a CSP-blocked load logs one too) or thrown, no
    request seen, a request beyond loopback, on the phone a document wider than the viewport (by more
    than `phone_slack` pixels), or no screenshot kept."""
    problems = [] if seen.status == 200 else [f"status {seen.status}"]
    problems += [] if title_with in seen.title else [f"title: {seen.title}"]
    problems += [f"console: {error}" for error in seen.console_errors]
    problems += [f"thrown: {error}" for error in seen.page_errors]
    problems += [] if seen.requests else ["the page was not requested through the browser"]
    problems += [f"off loopback: {url}" for url in seen.off_loopback()]
    if device == "phone" and seen.measures["scrollWidth"] > WIDTHS[device][0] + phone_slack:
        problems.append(f"scrolls sideways: {seen.measures}")
    return problems + ([] if screenshot(name, device).stat().st_size > 0 else ["an empty screenshot"])


def report_page_problems(seen: Visit, device: str, name: str, title_with: str) -> list[str]:
    """A label's report page: what `problems_of_a_presigned_page` finds and, at any width, a document
    wider than the viewport, an element wider than its box (hostile or long text included), or a
    sentence squeezed into a sliver a few letters wide."""
    problems = problems_of_a_presigned_page(seen, device, name, title_with)
    if seen.measures["scrollWidth"] > WIDTHS[device][0]:
        problems.append(f"scrolls: {seen.measures}")
    problems += [f"a sliver of text: {element}" for element in seen.measures["slivers"]]
    return problems + [f"overflows: {element}" for element in seen.measures["overflowing"]]


def visits_fixture(link_fixture: str, name: str) -> Any:
    """A module fixture: the page behind the fixture `link_fixture` visited at every width, shots named
    after `name`."""

    @pytest.fixture(scope="module")
    def visits(request: pytest.FixtureRequest) -> dict[str, Visit]:
        return visit_at_every_width(request.getfixturevalue(link_fixture), name)

    return visits


def renders_cleanly(name: str, title_with: str) -> Any:
    """A test: the report page `name` (from the module's `visits` fixture) has no `report_page_problems`
    at each width; `title_with` is text its title keeps (a page whose script ran could change it)."""

    @pytest.mark.parametrize("device", list(WIDTHS))
    def test(visits: dict[str, Visit], device: str) -> None:
        assert report_page_problems(visits[device], device, name, title_with) == []

    return test


def served_page(link: str) -> str:
    """The page as its link serves it, read without a browser."""
    with urllib.request.urlopen(link, timeout=10) as response:
        return str(response.read().decode())
