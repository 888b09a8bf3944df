"""统计上报 in the demo: the structure report frozen as submission 1 by a 填表人 and approved by a different 审核人,
so ``villagevote export stats-workbook`` has something to export. Runs last: a later area that changed the source
data would leave the submission 已变更 at once."""
from __future__ import annotations

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.demo import stat_rosters
from villagevote.demo.context import DemoContext
from villagevote.models.enums import Role
from villagevote.statistics.submissions import approve_submission, generate_submission

FILLER = Actor(None, "demo-clerk", Role.CLERK, "张晓梅")
REVIEWER = Actor(None, "demo-reviewer", Role.REVIEWER, "陈国华")


def populate(session: Session, ctx: DemoContext) -> None:
    """The representatives and the previous-cycle roster (``demo.stat_rosters``); the report is frozen in
    :func:`finish`, after every area's data."""
    stat_rosters.populate(session, ctx)


def finish(session: Session, ctx: DemoContext) -> None:
    submission = generate_submission(session, FILLER, ctx.cycle_id)
    approve_submission(session, REVIEWER, submission.id)
