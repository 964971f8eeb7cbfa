"""The dashboard's weights, native tabs, timeline, evidence and sources in a real browser: the system Chromium
driven by Playwright against ``alignwatch serve`` on the real warehouse (fixtures of tests/test_browser.py).
Never downloads a browser: skipped only where /usr/bin/chromium is absent."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_browser import COMPUTE_MS, _wait_text, page, server  # noqa: F401  (fixtures)

from alignwatch import index as idx

pytestmark = [pytest.mark.slow, pytest.mark.data]

ANSWER_MS = 120_000  # a re-scored or newly opened view on a busy machine


def _open(page, url: str, query: str, title: str) -> None:
    page.goto(f"{url}/{query}")
    _wait_text(page, "#view-title", title, timeout=COMPUTE_MS)


def _tab(page, label: str) -> None:
    page.locator(".tab", has_text=label).first.click()


def _slider_to_min(page, slider_id: str) -> None:
    """Move a slider to its minimum with the keyboard, as a user can (Home on the focused thumb)."""
    page.locator(f"#{slider_id} .dash-slider-thumb").first.focus()
    page.keyboard.press("Home")


def _title(page, graph_id: str) -> str:
    return page.evaluate(f"document.querySelector('#{graph_id} .js-plotly-plot').layout.title.text")


def _search(page) -> str:
    return page.evaluate("window.location.search")


def test_weights_in_the_address_and_the_cli_reads_the_file(server, page, tmp_path, real_wh):
    url, log = server
    _open(page, url, "?states=PRK,CHN&from=1991&to=2025", "North Korea with China")
    before = page.inner_text("#latest")
    assert "PRK–CHN: composite" in before
    page.click("#weights-panel summary")
    _slider_to_min(page, "weight-unga")
    page.wait_for_function("window.location.search.includes('weights=unga:0')", timeout=30_000)
    page.wait_for_function("([t]) => document.querySelector('#latest').innerText !== t", arg=[before],
                           timeout=ANSWER_MS)
    after = page.inner_text("#latest")
    assert "PRK–CHN: composite" in after and after != before, (before, after)
    assert "weights: unga:0" in _title(page, "index-graph")
    assert page.inner_text("#message").strip() == ""

    # the address is the view: opening it again restores the slider and the composite
    shared = _search(page)
    page.goto(url + "/" + shared)
    _wait_text(page, "#latest", after.split("(")[0].strip(), timeout=ANSWER_MS)
    assert page.locator("#weight-unga .dash-slider-thumb").first.get_attribute("aria-valuenow") == "0"

    # the weights file: every setting, unga at 0, and the CLI accepts it
    page.click("#weights-panel summary") if not page.evaluate(
        "document.querySelector('#weights-panel').open") else None
    with page.expect_download(timeout=60_000) as dl:
        page.click("#weights-button")
    assert dl.value.suggested_filename == "weights.toml"
    path = tmp_path / "weights.toml"
    dl.value.save_as(path)
    w = idx.load_weights(path)
    assert w.political["unga"] == 0 and w.political["treaties"] == 1.0 and w.economic["trade"] == 1.0
    env = {**os.environ, "ALIGNWATCH_DB": str(real_wh.path)}
    r = subprocess.run([sys.executable, "-m", "alignwatch", "index", "PRK,CHN", "--weights", str(path),
                        "--from", "2020", "--to", "2025"], capture_output=True, text=True, env=env, timeout=1800)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "2025" in r.stdout

    # the sensitivity view: each conclusion with the number of scenarios it holds in
    _tab(page, "Sensitivity")
    _wait_text(page, "#sensitivity", "conclusions across weights", timeout=ANSWER_MS)
    text = page.inner_text("#sensitivity")
    assert "now (" in text and "vs 1992" in text and "scenarios" in text and "left out" in text
    assert "Traceback" not in log.read_text()


def test_network_tab_is_exactly_the_chosen_states(server, page):
    url, log = server
    _open(page, url, "?states=KOR,USA,JPN&from=1991&to=2025", "South Korea with")
    _tab(page, "Bloc network")
    _wait_text(page, "#network", "The bloc KOR, USA, JPN: UNGA cohesion", timeout=ANSWER_MS)
    page.wait_for_selector("#network-cohesion .js-plotly-plot .main-svg", timeout=60_000)
    title = _title(page, "network-cohesion")
    assert title == "UNGA cohesion of the bloc KOR, USA, JPN", title
    members = page.evaluate("document.querySelector('#network-members .js-plotly-plot').data[0].y")
    assert sorted(members) == ["JPN", "KOR", "USA"], members  # exactly the chosen states, no default bloc
    scored = page.evaluate("Array.from(document.querySelector('#network-cohesion .js-plotly-plot')._fullData[0].y)"
                           ".filter(v => v !== null && !isNaN(v)).length")
    assert scored >= 30  # a within-bloc cohesion value for the chosen bloc in most years of 1991-2025
    # the network follows its year slider (inside the years chosen above)
    _wait_text(page, "#network", "The agreement network of 2025", timeout=ANSWER_MS)
    _slider_to_min(page, "network-year")
    _wait_text(page, "#network", "The agreement network of 1991", timeout=ANSWER_MS)
    # and the years chosen above: the typed first year applies on Enter
    box = page.locator("#year-from")
    box.fill("2000")
    box.press("Enter")
    page.wait_for_function("window.location.search.includes('from=2000')", timeout=30_000)
    page.wait_for_function("() => { const g = document.querySelector('#network-cohesion .js-plotly-plot'); "
                           "return !!g && Math.min(...Array.from(g._fullData[0].x)) === 2000; }", timeout=ANSWER_MS)
    _wait_text(page, "#network", "The agreement network of 2025", timeout=ANSWER_MS)
    assert "Traceback" not in log.read_text()


def test_red_lines_are_native(server, page):
    url, _ = server
    _open(page, url, "?states=PRK,CHN,RUS&from=1991&to=2025", "North Korea with China")
    _tab(page, "Red lines")
    page.wait_for_selector("#redlines-figure .js-plotly-plot .main-svg", timeout=ANSWER_MS)
    text = page.inner_text("#redlines")
    assert "Base rates" in text and "CHN" in text and "RUS" in text
    assert page.locator("#redlines iframe").count() == 0 and page.locator("#network iframe").count() == 0


def test_timeline_year_click_coverage_sources_and_speech(server, page):
    url, log = server
    _open(page, url, "?states=PRK,CHN&from=1991&to=2025", "North Korea with China")
    # evidence coverage next to the index: a family x year strip
    page.wait_for_selector("#coverage-graph .js-plotly-plot .main-svg", timeout=60_000)
    fams = page.evaluate("document.querySelector('#coverage-graph .js-plotly-plot').data[0].y")
    assert any(f.startswith("unga") for f in fams) and any(f.startswith("trade") for f in fams)
    # a click on 2018 in the index figure: its events and which families moved
    page.evaluate("""() => { const gd = document.querySelector('#index-graph .js-plotly-plot');
        const i = gd.data.findIndex(t => t.x && t.x.includes(2018));
        gd.emit('plotly_click', {points: [{curveNumber: i, pointNumber: gd.data[i].x.indexOf(2018), x: 2018,
                                           y: 0, data: gd.data[i], fullData: gd._fullData[i]}]}); }""")
    _wait_text(page, "#year-detail", "2018: what happened and what moved", timeout=ANSWER_MS)
    detail = page.inner_text("#year-detail")
    assert "Kim Jong Un to Beijing" in detail and "visits" in detail
    # the timeline: every event, the clicked year selected, searchable
    _tab(page, "Timeline")
    page.wait_for_selector("#timeline-graph .js-plotly-plot .main-svg", timeout=ANSWER_MS)
    _wait_text(page, "#timeline-table", "Kim Jong Un to Beijing", timeout=60_000)
    assert "2017" not in page.inner_text("#timeline-table")  # only 2018, as clicked
    _open(page, url, "?states=PRK,CHN&from=1991&to=2025", "North Korea with China")  # a new view clears the year
    _tab(page, "Timeline")
    search = page.locator("#timeline-search")
    search.fill("S/RES/2397")
    search.press("Enter")
    _wait_text(page, "#timeline-table", "S/RES/2397 (2017)", timeout=60_000)
    assert "CHN yes" in page.inner_text("#timeline-table")
    search.fill("")
    search.press("Enter")
    _wait_text(page, "#timeline-table", "Sino-DPRK", timeout=60_000)  # 1961: before the view's years, listed
    # the sources the captions point to
    _tab(page, "Sources")
    _wait_text(page, "#sources", "chr_treaties", timeout=ANSWER_MS)
    assert "undl" in page.inner_text("#sources").lower()
    # the speech figure in the families tab, drawn (not a note)
    _tab(page, "Measure families")
    _wait_text(page, "#families", "Speeches: General Debate similarity", timeout=COMPUTE_MS)
    text = page.inner_text("#families")
    after = text.split("Speeches: General Debate similarity", 1)[1][:200]
    assert "Not available" not in after, after
    assert "Traceback" not in log.read_text()
