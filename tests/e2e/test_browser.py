"""Every report, opened in headless Chromium: links, images, console, axe-core, alt text, reflow.

The reports are built from reports.yaml into a temporary folder, served on localhost, and each
page is checked as a reviewer's browser would load it, at 1,280 and at 320 CSS pixels wide: at
neither may the page scroll sideways (WCAG 2.2, 1.4.10 Reflow); a wide table scrolls inside its
own box. Needs Debian's `chromium` package.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serve

require_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

PLACEHOLDER_ALT = "No description has been provided for this image"
WIDTHS = (1280, 320)
SCREENSHOTS = Path(os.environ.get("WORKBENCH_SCREENSHOTS", "")) if os.environ.get("WORKBENCH_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def site(built_reports):
    """Every report (built once by the e2e conftest), served on 127.0.0.1."""
    with serve(built_reports) as base:
        yield built_reports, base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pages(reports: Path) -> list[str]:
    """index.html and every report page below it, as URL paths."""
    found = ["index.html"]
    for html in sorted(reports.glob("*/*.html")):
        if not html.parent.name.startswith(("_", ".")):
            found.append(html.relative_to(reports).as_posix())
    return found


def sideways_scroll(browser, base: str, path: str, width: int) -> list[str]:
    """Problems when the page, at `width` CSS pixels, is wider than the window (it would scroll sideways)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(urljoin(base, path), wait_until="load")
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    wide = page.evaluate(
        "() => { const w = document.documentElement.clientWidth;"
        " return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1"
        " && !e.closest('.workbench-scroll, .table-scroll, .jp-OutputArea-output, pre'))"
        ".slice(0, 3).map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 50)); }"
    )
    page.close()
    if scroll <= client:
        return []
    return [f"{path}: {scroll} pixels wide in a {width}-pixel window, so the page scrolls sideways: {wide}"]


def check_page(browser, base: str, path: str, reports: Path, screenshot: Path | None = None) -> list[str]:
    """Load a page and return every problem found on it (empty when all is well)."""
    problems: list[str] = []
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    response = page.goto(urljoin(base, path), wait_until="load")
    if response is None or response.status != 200:
        problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
    lang = page.evaluate("document.documentElement.lang")
    if not lang:
        problems.append(f"{path}: no page language")
    images = page.evaluate(
        "Array.from(document.images).map("
        "i => [i.currentSrc.slice(0, 60), i.complete && i.naturalWidth > 0, i.getAttribute('alt')])"
    )
    for src, loaded, alt in images:
        if not loaded:
            problems.append(f"{path}: image did not load: {src}")
        if not alt or alt == PLACEHOLDER_ALT:
            problems.append(f"{path}: image without real alt text: {src}")
    if PLACEHOLDER_ALT in page.content():
        problems.append(f"{path}: nbconvert's placeholder alt text")
    links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    for href in sorted(set(links)):
        url = urlparse(href)
        if url.scheme in ("http", "https") and href.startswith(base):
            target = reports / url.path.lstrip("/")
            if url.fragment and target == reports / path:
                if not page.evaluate("(id) => !!document.getElementById(id)", url.fragment):
                    problems.append(f"{path}: anchor #{url.fragment} not on the page")
            elif not target.exists():
                problems.append(f"{path}: broken link {url.path}")
        elif url.scheme in ("http", "https"):
            problems.append(f"{path}: link leaves the site (reviewers may be offline): {href}")
    results = Axe().run(page)
    for violation in results.response["violations"]:
        targets = "; ".join(str(n["target"]) for n in violation["nodes"][:3])
        problems.append(f"{path}: axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    for message in console:
        problems.append(f"{path}: console error: {message}")
    for url in failed:
        problems.append(f"{path}: request failed: {url}")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
    page.close()
    return problems


def test_every_page_works_in_chromium(site, browser, tmp_path) -> None:
    reports, base = site
    shots = SCREENSHOTS or tmp_path
    problems: list[str] = []
    all_pages = pages(reports)
    assert len(all_pages) >= 3
    for path in all_pages:
        shot = None
        if path == "index.html":
            shot = shots / "index.png"
        elif re.match(r"research-report/index\.html$", path):
            shot = shots / "research-report.png"
        problems += check_page(browser, base, path, reports, shot)
        for width in WIDTHS:
            problems += sideways_scroll(browser, base, path, width)
    assert not problems, "\n".join(problems)
    assert (shots / "index.png").exists()


WATCH_POLICY = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
)


def policy_problems(browser, url: str, path: str) -> tuple[list[str], object]:
    """Load a page watching its Content-Security-Policy: problems found, and the open page."""
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
    page.add_init_script(WATCH_POLICY)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(url, wait_until="load")
    problems = []
    policy = page.evaluate(
        "(document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]') || {}).content || ''"
    )
    if "default-src 'none'" not in policy or "script-src" not in policy:
        problems.append(f"{path}: no Content-Security-Policy that refuses what it does not name ({policy!r})")
    problems += [f"{path}: policy violation: {v}" for v in page.evaluate("window.__violations")]
    problems += [f"{path}: console: {m}" for m in console if "Content Security Policy" in m or "Refused" in m]
    return problems, page


def test_every_page_has_a_policy_that_blocks_injected_script_and_breaks_nothing(site, browser, tmp_path) -> None:
    reports, base = site
    problems: list[str] = []
    for path in pages(reports):
        found, page = policy_problems(browser, urljoin(base, path), path)
        problems += found
        if page.query_selector("#workbench-show-code"):  # the code switch still works under the policy
            code = ".jp-CodeCell .jp-Cell-inputWrapper"
            hidden = page.evaluate(f"getComputedStyle(document.querySelector('{code}')).display") == "none"
            page.click("label[for=workbench-show-code]")
            shown = page.evaluate(f"getComputedStyle(document.querySelector('{code}')).display") != "none"
            if not (hidden and shown):
                problems.append(f"{path}: the 'Show the code' switch does not show the code")
        page.close()
    assert not problems, "\n".join(problems)
    # A script that reached a page from data would not run: the policy refuses it, and says so.
    report = next(p for p in pages(reports) if p != "index.html")
    html = (reports / report).read_text(encoding="utf-8")
    payload = '<script>window.__ran = 1</script><img src="x" alt="x" onerror="window.__ran = 2">'
    (tmp_path / "hostile.html").write_text(html.replace("</main>", payload + "</main>", 1), encoding="utf-8")
    with serve(tmp_path) as hostile_base:
        found, page = policy_problems(browser, urljoin(hostile_base, "hostile.html"), "hostile.html")
        ran = page.evaluate("window.__ran === undefined ? 0 : window.__ran")
        page.close()
    assert ran == 0
    assert any("script-src" in p for p in found), found
