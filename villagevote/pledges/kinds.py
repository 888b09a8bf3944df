"""Kinds of pledge: the one enumeration lives in :mod:`villagevote.models.enums`; this adds pledge defaults."""
from __future__ import annotations

from villagevote.models.enums import PledgeKind

__all__ = ["DEFAULT_REQUIRED_KINDS", "PledgeKind", "kind_label"]


def kind_label(kind: PledgeKind | str) -> str:
    """Chinese label of a kind, for lists and menus."""
    return PledgeKind(kind).label


# Kinds a cycle requires when its profile does not say (廉洁承诺 is used only in some places).
DEFAULT_REQUIRED_KINDS: tuple[PledgeKind, ...] = (
    PledgeKind.DISCIPLINE,
    PledgeKind.TERM_GOALS,
    PledgeKind.RESIGNATION,
    PledgeKind.QUALIFICATION,
)
