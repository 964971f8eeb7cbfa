"""The report: one self-contained HTML file with every section, no external URL, written atomically."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from alignwatch.report import build


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.external = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id"))
        for key in ("src", "href"):
            v = a.get(key) or ""
            if tag in ("script", "link", "img", "iframe") and re.match(r"(https?:)?//", v):
                self.external.append(v)


@pytest.mark.data
def test_report_has_every_section_and_loads_nothing_external(real_wh, tmp_path):
    out = tmp_path / "report.html"
    ctx = build.build_report(real_wh, "PRK", ["CHN", "RUS"], out, replicates=50)
    text = out.read_text("utf-8")
    p = _Collect()
    p.feed(text)
    assert p.sections == [key for key, _, _ in build.SECTIONS]
    for key in ("glance", "index", "domains", "families", "positions", "network", "redlines", "claims", "sources"):
        assert key in p.sections
    assert p.external == []
    assert "not available in this build" not in text  # every figure the report names exists
    assert "<script type='text/javascript'>" in text and "Plotly" in text  # plotly.js inlined once
    assert text.count("plotly.js v") <= 2
    # the periods of both dyads are computed and labelled from the codebook
    for dyad in (("CHN", "PRK"), ("PRK", "RUS")):
        assert set(ctx.periods[dyad]["label"]) <= set(build.per.CODEBOOK)
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_cli_rejects_bad_arguments(tmp_path):
    from alignwatch.cli import main

    assert main(["report", "--focus", "PRK", "--partners", "PRK", "--out", str(tmp_path / "r.html"),
                 "--db", str(tmp_path / "none.duckdb")]) == 2
    assert main(["report", "--partners", "CHN", "--out", str(tmp_path / "r.txt")]) == 2
    assert main(["report", "--partners", "'; DROP TABLE x;--", "--out", str(tmp_path / "r.html")]) == 2
