"""A survey label holding a Markdown link and image renders as text in a browser: no script URL, no request out.

The delivery-mix report is built from a copy of the survey whose most common answer carries the
payload; the page is opened in headless Chromium and every request it makes is recorded. Needs
Debian's `chromium` package.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serve

from helpers.build import main as build_main
from helpers.core import paths

require_chromium()

from playwright.sync_api import sync_playwright  # noqa: E402

LABEL = "Fairly even mix"
PAYLOAD = "Fairly even mix [click](javascript:alert(1)) ![x](http://127.0.0.1:9/t.png)"


def evil_survey(tmp_path: Path) -> Path:
    """The survey with the most common answer to question a relabelled with the payload, everywhere it appears."""
    survey = Path(shutil.copytree(paths.LOCALIS_2011, tmp_path / "evil_survey"))
    spec = survey / "survey.yaml"
    spec.write_text(spec.read_text().replace(f"- {LABEL}\n", f'- "{PAYLOAD}"\n'))
    for name in ("counts.csv", "published.csv"):
        path = survey / name
        path.write_text(path.read_text().replace(f",{LABEL},", f",{PAYLOAD},"))
    return survey


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("injection")
    survey = evil_survey(tmp_path)
    config = tmp_path / "reports.yaml"
    config.write_text(
        "jobs:\n  - name: evil\n"
        f"    notebook: {paths.NOTEBOOKS / '01_delivery_and_intent.ipynb'}\n"
        f"    parameters:\n      survey_dir: {survey}\n"
    )
    reports = tmp_path / "reports"
    assert build_main(["--config", str(config), "--reports", str(reports), "--no-progress"]) == 0
    with serve(reports) as base:
        yield reports, base


def test_the_payload_reached_the_report_as_text(site) -> None:
    reports, _ = site
    page = (reports / "evil" / "index.html").read_text(encoding="utf-8")
    assert "[click](javascript:alert(1))" in page  # the label is shown, as written ...
    assert 'href="javascript:' not in page and 'src="http://127.0.0.1:9' not in page  # ... and is no link or image


@pytest.mark.parametrize("path", ["evil/index.html", "index.html"])
def test_no_script_url_and_no_request_outside_the_page(site, path: str) -> None:
    reports, base = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(urljoin(base, path), wait_until="load")
            scripted = page.evaluate(
                "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
                ".filter(a => /^\\s*javascript:/i.test(a.value)).map(a => a.name + '=' + a.value)"
            )
            text = page.inner_text("body")
        finally:
            browser.close()
    assert scripted == []
    outside = [u for u in requests if not u.startswith((base, "data:"))]
    assert outside == [], f"{path} requested {outside}"
    if path.startswith("evil"):
        assert "[click](javascript:alert(1))" in text
