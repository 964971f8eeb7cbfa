"""The dashboard's weights (address parameter, sliders, weights.toml) and the timeline's pure frame."""

from __future__ import annotations

import pandas as pd
import pytest

from alignwatch import chronology
from alignwatch import index as idx
from alignwatch.dashboard import weights as wt
from alignwatch.dashboard.views import View, parse_query
from alignwatch.errors import UsageError


def test_weights_in_the_address_round_trip():
    v = parse_query("?states=PRK,CHN&from=1991&to=2025&weights=unga:0,economic:0.3")
    assert v.weights == (("economic", 0.3), ("unga", 0.0))
    assert v.query == "?states=PRK,CHN&from=1991&to=2025&weights=economic:0.3,unga:0"
    assert parse_query(v.query) == v
    assert parse_query("?states=PRK,CHN&from=1991&to=2025") == View(("PRK", "CHN"), (1991, 2025))


@pytest.mark.parametrize("value, says", [
    ("unga:9", "outside 0–2"), ("foo:1", "unknown weight 'foo'"), ("unga", "is not name:value"),
    ("unga:x", "is not a number"), ("unga:1,unga:0", "given twice"), ("unga:nan", "outside"),
])
def test_bad_weights_give_one_clear_message(value, says):
    with pytest.raises(UsageError) as e:
        parse_query("?states=PRK,CHN&weights=" + value)
    assert says in str(e.value)


def test_apply_and_sliders():
    base = idx.load_weights()
    assert wt.overrides_from(base, wt.current(base, ())) == ()
    vals = wt.current(base, (("unga", 0.0),))
    assert vals["unga"] == 0.0 and vals["treaties"] == base.political["treaties"]
    assert wt.overrides_from(base, vals) == (("unga", 0.0),)
    w = wt.apply(base, (("unga", 0.0), ("economic", 0.25)))
    assert w.political["unga"] == 0 and w.composite["economic"] == 0.25 and base.political["unga"] == 1.0
    with pytest.raises(UsageError, match="composite is undefined"):
        wt.apply(base, (("political", 0.0), ("economic", 0.0)))
    with pytest.raises(UsageError, match="nothing to index"):
        wt.apply(base, tuple((n, 0.0) for d, n, _ in wt.sliders(base) if d != "composite"))


def test_weights_file_reads_back_the_same(tmp_path):
    base = idx.load_weights()
    w = wt.apply(base, (("unga", 0.0), ("trade", 1.5), ("political", 0.7)))
    path = tmp_path / "weights.toml"
    path.write_text(wt.to_toml(w))
    back = idx.load_weights(path)
    assert back.political == w.political and back.economic == w.economic
    assert back.composite == w.composite and back.reference == w.reference
    assert (back.replicates, back.seed, back.level, back.threshold, back.start, back.max_iter, back.tol) == \
        (w.replicates, w.seed, w.level, w.threshold, w.start, w.max_iter, w.tol)
    assert back.priors.series_offset_sd == w.priors.series_offset_sd


def test_timeline_frame_lists_every_kind():
    t = chronology.timeline_frame(
        treaties=pd.DataFrame({"date_signed": ["1961-07-11"], "parties": ["CHN;PRK"], "name": ["Sino-DPRK"],
                               "source": ["s1"]}),
        summits=pd.DataFrame({"date_start": ["2018-03-26"], "visitor_country": ["PRK"], "host_country": ["CHN"],
                              "visitor": ["Kim Jong Un"], "location_city": ["Beijing"], "source": ["s2"]}),
        unsc=pd.DataFrame({"date": ["2017-12-22"], "document": ["S/RES/2397 (2017)"], "kind": ["resolution"],
                           "trigger": ["ICBM"], "chn_vote": ["yes"], "rus_vote": ["yes"], "source": ["s3"]}),
        tests=pd.DataFrame({"date": ["2017-11-29"], "kind": ["icbm_test"], "name": ["Hwasong-15"],
                            "source": ["s4"]}),
        ukraine=pd.DataFrame({"date": ["2022-03-02"], "resolution": ["A/RES/ES-11/1"], "title_short": ["Aggression"],
                              "yes": [141], "no": [5], "abstain": [35], "source": ["s5"]}),
        proposals=pd.DataFrame({"date": ["2018-09-19"], "title": ["Pyongyang Declaration"], "kind": ["declaration"],
                                "proposers": ["KOR;PRK"], "source": ["s6"]}))
    assert list(t.columns) == chronology.TIMELINE_COLUMNS
    assert t["kind"].tolist() == ["treaty", "test", "unsc", "visit", "proposal", "unga vote"]
    assert t.loc[t.kind == "unsc", "text"].item() == "S/RES/2397 (2017) resolution: ICBM (CHN yes, RUS yes)"
    assert t.loc[t.kind == "treaty", "parties"].item() == "CHN;PRK" and t["source"].notna().all()
    assert chronology.timeline_frame().empty
