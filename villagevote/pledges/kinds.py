"""Kinds of pledge and their labels (one place for the enumeration)."""
from __future__ import annotations

import enum

from villagevote.i18n import tr


class PledgeKind(str, enum.Enum):
    """The kinds of pledge a cycle may require. Values are stored in the database."""

    DISCIPLINE = "discipline"  # 竞职承诺 / 换届纪律承诺书
    TERM_GOALS = "term_goals"  # 创业承诺 / 履职承诺 (任期目标)
    RESIGNATION = "resignation"  # 辞职承诺
    QUALIFICATION = "qualification"  # 资格承诺
    INTEGRITY = "integrity"  # 廉洁承诺

    @property
    def label(self) -> str:
        return kind_label(self)


def kind_label(kind: "PledgeKind | str") -> str:
    """Chinese label of a kind, for lists and menus."""
    value = PledgeKind(kind)
    labels = {
        PledgeKind.DISCIPLINE: tr("竞职承诺（换届纪律）"),
        PledgeKind.TERM_GOALS: tr("创业承诺（任期目标）"),
        PledgeKind.RESIGNATION: tr("辞职承诺"),
        PledgeKind.QUALIFICATION: tr("资格承诺"),
        PledgeKind.INTEGRITY: tr("廉洁承诺"),
    }
    return labels[value]


# Kinds a cycle requires when nothing else has been configured (廉洁承诺 is used only in some places).
DEFAULT_REQUIRED_KINDS: tuple[PledgeKind, ...] = (
    PledgeKind.DISCIPLINE,
    PledgeKind.TERM_GOALS,
    PledgeKind.RESIGNATION,
    PledgeKind.QUALIFICATION,
)
