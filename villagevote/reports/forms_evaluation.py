"""双述双评 prints for the CLI and the GUI (registry entries; issue 18 item 7).

``villagevote print NAME [--village 名] [--option key=value …] --out FILE``; every form also takes ``cycle=<id>``
(default the current cycle) and refuses in Chinese when it would be empty:

* ``evaluation-ballots`` 民主评议票 — ``session=<id>`` (one session), else the sessions of ``--village`` /
  ``year=2027`` / ``kind=people|township|…``; numbered from the session's first ballot number, one ballot per ballot
  issued; the cadres as posts then surname strokes (the counts entered, or everyone in office that year);
* ``evaluation-tally`` 评议结果统计表 — the same choice of sessions; the counts and the engine's result (frozen once
  confirmed, a preview before), 监票/计票 names and signatures;
* ``evaluation-summary`` 年度述职评议汇总 — ``year=2027`` (default: the latest year with a confirmed session), a
  village (``--village``) or the township;
* ``resignation-notice`` 辞职承诺触发告知书 — ``flag=<id>`` (one trigger, any state but waived), else every confirmed
  trigger without an outcome (of the village with ``--village``); the days to answer are the setting
  ``evaluation.notice_response_days`` (default 15);
* ``term-dossier`` 任期践诺档案 — ``person=<name or id>`` (one cadre), else every cadre of the village (``--village``)
  or of the township, in office in any year of the term; ``date=2028-12-19``: the day the items are judged at
  (default today, at most the end of the term).

No form prints an ID number (``reports/masking.py``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import NotFound, ValidationError
from villagevote.evaluation import queries
from villagevote.evaluation.office import holders, term_years
from villagevote.evaluation.term_verdicts import thresholds_of
from villagevote.i18n import tr
from villagevote.models import ElectionCycle, Person, Setting, Township, Village
from villagevote.models.enums import ConsequenceState, EvaluationKind, FlagKind
from villagevote.names import stroke_key
from villagevote.reports.forms_candidates import cycle_of
from villagevote.reports.pdf.base import cn_date, term_label
from villagevote.reports.pdf.tracking_common import footer_text
from villagevote.reports.registry import Form, Options

__all__ = ["FORMS", "NOTICE_DAYS_KEY", "post_rank", "ranked_cadres"]

NOTICE_DAYS_KEY = "evaluation.notice_response_days"
NOTICE_DAYS_DEFAULT = 15
# the order of posts on a ballot (then surname strokes); a post not named goes last
POST_ORDER = ("书记", "副书记", "主任", "副主任", "委员")


def post_rank(post: str) -> int:
    """The rank of the first post of ``post`` ("书记、主任" ranks as 书记) in :data:`POST_ORDER`; others last."""
    first = post.split("、")[0].strip()
    return POST_ORDER.index(first) if first in POST_ORDER else len(POST_ORDER)


def ranked_cadres(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(姓名, 职务) ordered as posts, then surname strokes."""
    return sorted(rows, key=lambda r: (post_rank(r[1]), stroke_key(r[0])))


# ---------------------------------------------------------------------------------------------------- options
def _int(options: Options, key: str) -> int | None:
    raw = (options.extra.get(key) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(tr("选项 {key}={v} 应为整数").format(key=key, v=raw)) from None


def _day(options: Options, key: str) -> dt.date | None:
    raw = (options.extra.get(key) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(tr("选项 {key}={v} 不是日期，应写成 2028-12-19").format(key=key, v=raw)) from None


def _kind(options: Options) -> EvaluationKind | None:
    raw = (options.extra.get("kind") or "").strip()
    if not raw:
        return None
    for k in EvaluationKind:
        if raw in (k.value, k.label):
            return k
    raise ValidationError(tr("选项 kind={v} 不可用（可选：{all}）").format(
        v=raw, all="、".join(f"{k.value}（{k.label}）" for k in EvaluationKind)))


def _village_id(session: Session, cycle: ElectionCycle, name: str | None) -> int | None:
    if not name or not name.strip():
        return None
    vid = session.scalar(select(Village.id).where(Village.name == name.strip(),
                                                  Village.township_id == cycle.township_id))
    if vid is None:
        names = "、".join(session.scalars(select(Village.name).where(Village.township_id == cycle.township_id)
                                         .order_by(Village.code)))
        raise NotFound(tr("没有名为“{name}”的村。现有：{names}").format(name=name, names=names or tr("（无）")))
    return int(vid)


def _township(session: Session, cycle: ElectionCycle) -> str:
    township = session.get(Township, cycle.township_id)
    return township.name if township is not None else ""


def _preparer(actor: Actor) -> str:
    return actor.display_name or actor.username


def _footer(actor: Actor) -> str:
    return footer_text(_preparer(actor), dt.date.today())


def _scope_text(village: str | None, year: int | None, kind: EvaluationKind | None) -> str:
    parts = [village or tr("全乡镇")]
    if year is not None:
        parts.append(tr("{y}年").format(y=year))
    if kind is not None:
        parts.append(kind.label)
    return "".join(parts)


def _sessions(session: Session, options: Options) -> tuple[ElectionCycle, list[queries.SessionDetail]]:
    cycle = cycle_of(session, options)
    sid = _int(options, "session")
    if sid is not None:
        detail = queries.session_detail(session, sid)
        if detail.summary.cycle_id != cycle.id and not options.extra.get("cycle"):
            cycle = session.get(ElectionCycle, detail.summary.cycle_id) or cycle
        return cycle, [detail]
    village_id = _village_id(session, cycle, options.village)
    year, kind = _int(options, "year"), _kind(options)
    found = [s for s in queries.sessions_of(session, cycle.id, village_id, year) if kind is None or s.kind is kind]
    if not found:
        raise ValidationError(tr("{scope}还没有登记评议会议，没有可打印的内容").format(
            scope=_scope_text(options.village, year, kind)))
    return cycle, [queries.session_detail(session, s.id) for s in found]


# ---------------------------------------------------------------------------------------------------- forms
def _ballots(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.evaluation_ballot import BallotSet, ballots_pdf

    require(actor, Permission.VIEW)
    cycle, details = _sessions(session, options)
    township = _township(session, cycle)
    sets = []
    for d in details:
        s = d.summary
        if d.counts:
            cadres = [(c.name, c.post) for c in d.counts]
        else:
            cadres = [(c.name, c.post) for c in queries.cadres_in_office(session, s.cycle_id, s.village_id, s.year)]
        if not cadres:
            raise ValidationError(tr("{v}{y}年没有在任的村干部，无法印制评议票").format(v=s.village, y=s.year))
        if s.ballots_issued < 1:
            raise ValidationError(tr("{v}{y}年{k}（{m}）发出评议票为 0 张，无法印制").format(
                v=s.village, y=s.year, k=s.kind_label, m=s.meeting_label))
        first = d.first_ballot_no
        numbers: list[int | None] = ([first + i for i in range(s.ballots_issued)] if first is not None
                                     else [None] * s.ballots_issued)
        sets.append(BallotSet(township, s.village, s.year, s.kind_label, s.meeting_label, list(s.scale),
                              ranked_cadres(cadres), numbers, cn_date(s.held_on)))
    return ballots_pdf(out, sets)


def _tally(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.evaluation_tally import TallySheet, tally_pdf

    require(actor, Permission.VIEW)
    cycle, details = _sessions(session, options)
    details = [replace(d, counts=sorted(d.counts, key=lambda c: (post_rank(c.post), stroke_key(c.name))))
               for d in details if d.counts]
    if not details:
        raise ValidationError(tr("所选评议会议还没有录入票数，没有可打印的统计表"))
    township, term = _township(session, cycle), term_label(cycle)
    return tally_pdf(out, [TallySheet(township, term, d) for d in details], footer=_footer(actor))


def _summary(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.evaluation_summary import AnnualSummary, summary_pdf

    require(actor, Permission.VIEW)
    cycle = cycle_of(session, options)
    village_id = _village_id(session, cycle, options.village)
    year = _int(options, "year")
    if year is None:
        confirmed = [s.year for s in queries.sessions_of(session, cycle.id, village_id) if s.confirmed]
        if not confirmed:
            raise ValidationError(tr("{scope}还没有已确认的述职评议，没有可汇总的内容").format(
                scope=options.village or tr("全乡镇")))
        year = max(confirmed)
    elif year not in term_years(cycle):
        raise ValidationError(tr("{y} 年不在本届任期内").format(y=year))
    rows = queries.annual_summary(session, cycle.id, year, village_id=village_id)
    if not rows:
        raise ValidationError(tr("{scope}{y}年没有在任的村干部，没有可汇总的内容").format(
            scope=options.village or tr("全乡镇"), y=year))
    w = thresholds_of(session).composite_weights
    weights = tr("综合分 = 民评×{p}% + 镇评×{t}% + 践诺率×{f}%").format(
        p=w.get("people", 0), t=w.get("township", 0), f=w.get("fulfilment", 0))
    summary = AnnualSummary(_township(session, cycle), term_label(cycle), year, options.village or tr("全乡镇"), rows,
                            weights)
    return summary_pdf(out, summary, footer=_footer(actor))


def notice_days(session: Session) -> int:
    """The days a cadre has to answer a 辞职承诺触发告知书 (setting, default 15)."""
    row = session.get(Setting, NOTICE_DAYS_KEY)
    value = row.value if row is not None else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return NOTICE_DAYS_DEFAULT


def _notices(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.resignation_notice import NoticeSheet, resignation_notice_pdf

    require(actor, Permission.VIEW)
    cycle = cycle_of(session, options)
    flag_id = _int(options, "flag")
    if flag_id is not None:
        notice = queries.trigger_notice(session, flag_id)
        if notice.state is ConsequenceState.WAIVED:
            raise ValidationError(tr("{name}的辞职承诺情形（编号 {id}）已免责，不再告知").format(name=notice.name, id=flag_id))
        found = [notice]
    else:
        village_id = _village_id(session, cycle, options.village)
        rows = queries.proposals(session, cycle.id, village_id=village_id, state=ConsequenceState.CONFIRMED,
                                 kinds=frozenset({FlagKind.RESIGNATION_TRIGGER}))
        found = [queries.trigger_notice(session, r.id) for r in rows if r.outcome is None]
        if not found:
            raise ValidationError(tr("{scope}没有已确认、待答复的辞职承诺情形，没有可打印的告知书").format(
                scope=options.village or tr("全乡镇")))
    days = notice_days(session)
    township, term = _township(session, cycle), term_label(cycle)
    sheets = [NoticeSheet(township, term, n, queries.trigger_label(n.code), days,
                          n.decided_on + dt.timedelta(days=days) if n.decided_on else None) for n in found]
    return resignation_notice_pdf(out, sheets)


def _person_id(session: Session, cycle: ElectionCycle, raw: str) -> int:
    text = raw.strip()
    if text.isdigit():
        person = session.get(Person, int(text))
        if person is None:
            raise NotFound(tr("找不到人员（编号 {id}）").format(id=text))
        return person.id
    ids = {h.person_id for y in term_years(cycle) for h in holders(session, cycle.id, None, y) if h.name == text}
    if not ids:
        raise NotFound(tr("本届没有名为“{name}”的在任干部").format(name=text))
    if len(ids) > 1:
        raise ValidationError(tr("本届有 {n} 名干部叫“{name}”，请用人员编号（person=编号）").format(n=len(ids), name=text))
    return ids.pop()


def _dossier(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.term_dossier import DossierSheet, dossier_pdf

    require(actor, Permission.VIEW)
    cycle = cycle_of(session, options)
    as_of = _day(options, "date")
    raw = (options.extra.get("person") or "").strip()
    if raw:
        people = [_person_id(session, cycle, raw)]
    else:
        village_id = _village_id(session, cycle, options.village)
        seen: dict[int, tuple[int, int, tuple]] = {}
        for y in term_years(cycle):
            for h in holders(session, cycle.id, village_id, y):
                if village_id is not None and h.village_id != village_id:
                    continue
                seen.setdefault(h.person_id, (h.village_id or 0, post_rank(h.post), stroke_key(h.name)))
        codes = {v.id: v.code for v in session.scalars(select(Village))}
        people = sorted(seen, key=lambda p: (codes.get(seen[p][0], "~"), seen[p][1], seen[p][2]))
        if not people:
            raise ValidationError(tr("{scope}本届没有在任的干部，没有可打印的任期践诺档案").format(
                scope=options.village or tr("全乡镇")))
    township, term = _township(session, cycle), term_label(cycle)
    sheets = [DossierSheet(township, term, queries.dossier(session, cycle.id, p, as_of=as_of)) for p in people]
    return dossier_pdf(out, sheets, footer=_footer(actor))


FORMS = [
    Form(name="evaluation-ballots", kind="print", title=tr("民主评议票"), run=_ballots),
    Form(name="evaluation-tally", kind="print", title=tr("评议结果统计表"), run=_tally),
    Form(name="evaluation-summary", kind="print", title=tr("年度述职评议汇总"), run=_summary),
    Form(name="resignation-notice", kind="print", title=tr("辞职承诺触发告知书"), run=_notices),
    Form(name="term-dossier", kind="print", title=tr("任期践诺档案"), run=_dossier),
]
