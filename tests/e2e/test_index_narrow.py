"""The reports index on a 320-pixel-wide screen: long parameter values wrap, the page never scrolls sideways."""

from __future__ import annotations

from pathlib import Path

from browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

from helpers.build.render import index_page

require_chromium()

from playwright.sync_api import sync_playwright  # noqa: E402


def test_index_does_not_scroll_sideways_at_320_pixels(tmp_path: Path) -> None:
    entry = {
        "group": "Survey analyses",
        "title": "Delivery mix and strategic-commissioning intent (ci_method = agresti_coull)",
        "output": "delivery-mix-agresti_coull",
        "status": "ok",
        "parameters": {
            "survey_dir": "data/raw/surveys/localis_2011/a_long_folder_name_without_any_break_in_it_at_all",
            "delivery_dir": "{reports}/delivery-mix-wilson",
            "codebook": "data/raw/interviews/local_partnerships_2015/codebook.yaml",
        },
        "description": "How councils deliver services (question a).",
        "available": True,
    }
    page_file = tmp_path / "index.html"
    page_file.write_text(index_page([entry], "0123456789ab + uncommitted changes"), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 320, "height": 640})
            page.goto(page_file.as_uri(), wait_until="load")
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        finally:
            browser.close()
    assert widths[0] <= widths[1], f"the page is {widths[0]} pixels wide in a {widths[1]}-pixel window"
