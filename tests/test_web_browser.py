"""A real headless Chromium (Debian's chromium + chromium-driver, through selenium) uses
the page as a person would: home page, search box, first result, its mentions.

.ci/run installs the browser when it is missing; elsewhere the test is skipped with the
reason. Nothing is fetched from outside: the browser starts with every background
network feature off and talks only to the server on 127.0.0.1.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web_server import Server, paperdb_serve

pytest.importorskip("datasette", reason="the web extra is not installed: pip install '.[web]'")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("no headless browser: apt-get install chromium chromium-driver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def server(seed_db_path: Path, tmp_path: Path) -> Iterator[Server]:
    with paperdb_serve(seed_db_path, tmp_path / "serve.log") as running_server:
        yield running_server


def test_search_open_a_paper_and_read_its_mentions(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/")
    assert browser.current_url.endswith("/paperdb/paper_list")
    assert "Papers" in browser.find_element(By.TAG_NAME, "h1").text
    browser.save_screenshot(str(tmp_path / "home.png"))

    box = browser.find_element(By.ID, "_search")
    box.send_keys("lottery ticket")
    box.submit()
    # submit() can return before the results page has loaded: wait for it (bounded).
    WebDriverWait(browser, 30).until(lambda b: "_search=" in b.current_url)
    titles = WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "td.col-title a")
    )
    assert titles, browser.page_source[:2000]
    assert all("lottery" in t.text.lower() for t in titles)
    first_title = titles[0].text
    titles[0].click()

    WebDriverWait(browser, 30).until(
        lambda b: b.find_element(By.TAG_NAME, "h1").text == first_title
    )
    paper_id = browser.current_url.rsplit("/", 1)[-1]
    mentions = server.get(f"/paperdb/mentions.json?paper_id={paper_id}&_shape=array").json()
    shown = [
        cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table.mentions td.where")
    ]
    assert len(shown) == len(mentions)
    assert set(shown) == {f"{m['source']}:{m['line']}" for m in mentions}
    raw = browser.find_elements(By.CSS_SELECTOR, "table.mentions pre")
    assert {r.text.strip() for r in raw} == {m["raw"].strip() for m in mentions}
    assert f"Mentions ({len(mentions)})" in browser.find_element(By.TAG_NAME, "body").text
    browser.save_screenshot(str(tmp_path / "paper.png"))
    assert (tmp_path / "paper.png").stat().st_size > 0
