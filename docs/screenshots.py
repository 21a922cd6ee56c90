"""Screenshots of the first screen of each example report, for the README (docs/img/).

Run from the repository root after ``make demo``::

    .venv/bin/python docs/screenshots.py

Uses the system Chromium (``.ci/install-chromium.sh``) through Playwright, offline: the
reports need nothing outside their own file.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from kit.report import chromium

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports" / "example"
OUT = ROOT / "docs" / "img"
FIRST_SCREEN = {"width": 1280, "height": 900}


def main() -> None:
    """Write ``docs/img/<report>.png``: the part of each report a reader sees first."""
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--proxy-server=127.0.0.1:9"]
        )
        page = browser.new_page(viewport=FIRST_SCREEN)
        for html in sorted(REPORTS.glob("0*.html")):
            page.goto(html.as_uri(), wait_until="load")
            target = OUT / f"{html.stem}.png"
            page.screenshot(path=str(target))
            print(f"geschreven: {target.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
