"""The engine agrees with published real village-committee results (numbers and sources in tests/data/results/)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from villagevote.elections.results import decide

DATA = Path(__file__).parent / "data" / "results"


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["wukan_2012_first_round.json", "wukan_2014_first_round.json"])
def test_engine_agrees_with_published_outcome(name):
    case = load(name)
    assert case["sources"] and all(s["url"].startswith("http") for s in case["sources"])
    res = decide(case["contest"])
    pub = case["published"]
    assert res["valid"] is pub["valid"]
    assert [(e["name"], e["post"], e["votes"]) for e in res["elected"]] == \
           [(e["name"], e["post"], e["votes"]) for e in pub["elected"]]
    assert sum(res["unfilled"].values()) == pub["unfilled_total"]
    assert res["ties"] == []


def test_published_vote_shares_use_ballots_returned_as_basis():
    # 信息时报 printed 91.09% and 52.98%: these are shares of the 6812 ballots returned, not of 6899 issued
    case = load("wukan_2012_first_round.json")
    res = decide(case["contest"])
    assert [e["share"] for e in res["elected"]] == [e["share"] for e in case["published"]["elected"]]
    assert any("超过 3406 票" in r for r in res["reasons"])


def test_published_turnout_percent():
    from villagevote.elections.results import share_percent
    case = load("wukan_2012_first_round.json")
    c = case["contest"]
    assert share_percent(c["ballots_returned"], c["electorate"]) == case["published"]["turnout_percent"]


def test_wukan_2014_electorate_range_does_not_change_the_outcome():
    # the electorate was only published as "more than 9,000"; the outcome is the same up to 16319 and void from 16320
    case = load("wukan_2014_first_round.json")
    for electorate in (9001, 12000, 16319):
        res = decide(dict(case["contest"], electorate=electorate))
        assert [e["name"] for e in res["elected"]] == ["林祖銮"]
    assert decide(dict(case["contest"], electorate=16320))["valid"] is False


@pytest.mark.parametrize("case", load("turnout_only.json")["cases"], ids=lambda c: c["name"])
def test_published_turnout_validity(case):
    contest = {"body": "village_committee", "round": case["round"], "electorate": case["electorate"],
               "present": None, "ballots_issued": case["returned"], "ballots_returned": case["returned"],
               "ballots_invalid": 0, "seats": {"委员": 1}, "candidates": []}
    assert decide(contest)["valid"] is case["published_valid"]
