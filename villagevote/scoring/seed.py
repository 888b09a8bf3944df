"""Seed the example scoring schemes shipped under resources/scoring_schemes (idempotent).

A scheme is added once per code: the codes already seeded are remembered in the ``scoring.seeded_schemes`` setting,
so an administrator who deletes or renames an example does not see it come back.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.models.core import Setting
from villagevote.models.enums import AggregationRule
from villagevote.models.scoring import ScoreScheme
from villagevote.scoring.scheme import load_example_schemes, scheme_to_dict
from villagevote.scoring.schemes import mirror_definition

SEEDED_KEY = "scoring.seeded_schemes"


def _codes(value: object) -> set[str]:
    """The example codes remembered in the setting (a JSON list)."""
    return {str(v) for v in value} if isinstance(value, list) else set()


def seed(session: Session) -> None:
    setting = session.get(Setting, SEEDED_KEY)
    done = _codes(setting.value) if setting is not None else set()
    existing = set(session.scalars(select(ScoreScheme.code)))
    added = False
    for scheme in load_example_schemes():
        if scheme.code in done or scheme.code in existing:
            done.add(scheme.code)
            continue
        version = 1 + max([0] + list(session.scalars(select(ScoreScheme.version)
                                                     .where(ScoreScheme.name == scheme.name))))
        row = ScoreScheme(name=scheme.name, version=version, definition=scheme_to_dict(scheme), frozen=False,
                          aggregation=AggregationRule.MEAN, per_group=False, decimals=scheme.places, tie_rule=[])
        session.add(row)
        session.flush()
        mirror_definition(session, row, scheme)
        done.add(scheme.code)
        added = True
    if setting is None:
        session.add(Setting(key=SEEDED_KEY, value=sorted(done)))
    elif added or _codes(setting.value) != done:
        setting.value = sorted(done)
    session.flush()
