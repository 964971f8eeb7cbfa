"""The dashboard in a real browser: the system Chromium driven by Playwright against ``alignwatch serve`` on the real
warehouse. Choose PRK–RUS and see the 2024 treaty marked, switch to PRK–CHN with the dropdown, download the CSV,
save a screenshot. Never downloads a browser: skipped only where /usr/bin/chromium is absent."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.data]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
COMPUTE_MS = 900_000  # the first view of a fresh server computes the index (minutes on a busy 2-core machine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(real_wh, tmp_path_factory):
    """``alignwatch serve`` on a free loopback port; never writes to the (shared) warehouse."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (install the system package 'chromium')")
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "alignwatch", "serve", "--host", "127.0.0.1", "--port",
                                 str(port), "--db", str(real_wh.path), "--no-warm"],
                                stdout=err, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("server did not answer within 90 s")
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ctx = browser.new_context(accept_downloads=True, viewport={"width": 1300, "height": 1000})
            yield ctx.new_page()
        finally:
            browser.close()


def _wait_text(page, selector: str, text: str, timeout: int) -> None:
    """Wait until the element exists (React renders after load) and its text contains ``text``."""
    page.wait_for_function("([s, t]) => { const e = document.querySelector(s); return !!e && "
                           "e.innerText.includes(t); }", arg=[selector, text], timeout=timeout)


def _pick(page, label: str) -> None:
    """Toggle one state in the multi-select dropdown through its search box, as a user does."""
    page.click("#states")
    search = page.locator(".dash-dropdown-search")
    search.fill(label.split(" (")[0])
    page.locator("[role=option]", has_text=label).first.click()
    search.fill("")
    page.keyboard.press("Escape")


def test_dashboard_in_chromium(server, page, tmp_path):
    url, log = server
    # 1. PRK–RUS from a shared address: the index, its periods, and the 2024 treaty named and marked
    page.goto(f"{url}/?states=PRK,RUS&from=1991&to=2025")
    _wait_text(page, "#view-title", "North Korea with Russia", timeout=COMPUTE_MS)
    page.wait_for_selector("#index-graph .js-plotly-plot .main-svg", timeout=60_000)
    treaties = page.inner_text("#treaties")
    assert "2024-06-19" in treaties and "Treaty on Comprehensive Strategic Partnership" in treaties
    marks = page.locator("#index-graph .annotation-text").all_text_contents()
    assert "treaty 2024-06" in marks, marks  # the dashed line at the signing date, in the index figure itself
    assert "entanglement" in page.inner_text("#periods") or "alignment" in page.inner_text("#periods")
    assert page.inner_text("#message").strip() == ""

    # 2. switch to PRK–CHN with the dropdown: dropping RUS first leaves one state, which the page refuses clearly
    _pick(page, "Russia (RUS)")
    _wait_text(page, "#control-message", "at least two", timeout=30_000)
    _pick(page, "China (CHN)")
    page.wait_for_function("window.location.search.includes('states=PRK,CHN')", timeout=30_000)
    _wait_text(page, "#view-title", "North Korea with China", timeout=COMPUTE_MS)
    assert page.inner_text("#control-message").strip() == ""
    treaties = page.inner_text("#treaties")  # signed before the range, in force: listed, not marked
    assert "1961-07-11" in treaties and "Sino-DPRK" in treaties
    assert "treaty 1961-07" not in page.locator("#index-graph .annotation-text").all_text_contents()

    # 3. the CSV of the view
    with page.expect_download(timeout=60_000) as dl:
        page.click("#csv-button")
    d = dl.value
    assert d.suggested_filename == "alignwatch_index_PRK-CHN_1991-2025.csv"
    path = tmp_path / d.suggested_filename
    d.save_as(path)
    df = pd.read_csv(path)
    assert {"a", "b", "year", "composite", "composite_lo", "composite_hi", "period_label"} <= set(df.columns)
    assert set(zip(df["a"], df["b"])) == {("CHN", "PRK")}
    assert df["year"].min() >= 1991 and df["year"].max() <= 2025 and df["year"].is_unique
    ok = df.dropna(subset=["composite"])
    assert len(ok) >= 20 and (ok["composite_lo"] <= ok["composite"] + 1e-9).all() \
        and (ok["composite"] <= ok["composite_hi"] + 1e-9).all()
    assert ok["period_label"].notna().all()

    # 4. the index figure as PNG (plotly's toImage in the browser), and a screenshot of the view
    with page.expect_download(timeout=60_000) as dl:
        page.click("#png-button")
    png = tmp_path / dl.value.suggested_filename
    dl.value.save_as(png)
    assert png.name == "alignwatch_index.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000
    shot = tmp_path / "dashboard_PRK-CHN.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000

    # the address is the view: Back returns to PRK–RUS (from the server's cache: no recompute)
    page.go_back()
    _wait_text(page, "#view-title", "North Korea with Russia", timeout=60_000)
    assert "states=PRK,RUS" in page.url

    # 5. bad addresses: a clear message in the page, no traceback, nothing computed
    for query, says in (("?states=PRK,XYZ", "unknown state 'XYZ'"),
                        ("?states=PRK,RUS%27%3B%20DROP%20TABLE%20unga_votes%3B--", "contains characters"),
                        ("?states=PRK,RUS&from=2025&to=1991", "reversed")):
        page.goto(url + "/" + query)
        _wait_text(page, "#message", says, timeout=30_000)
        body = page.inner_text("body")
        assert "Traceback" not in body and "Internal error" not in body
    assert "Traceback" not in log.read_text()
