"""Score sheets: one entry of a rater's sheet for the grid, its state (entered, complete, agreeing with the
second entry), and saving one entry all or nothing."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.scoring import (
    RaterGroup,
    Recusal,
    Score,
    ScoreCriterion,
    ScoreSheet,
)
from villagevote.names import stroke_key
from villagevote.scoring.rows import (
    SheetData,
    SheetState,
)
from villagevote.scoring.scheme import (
    scheme_from_dict,
)
from villagevote.scoring.store import (
    MAX_LISTED_PROBLEMS,
    criterion_codes,
    list_participants,
    num_text,
    open_scheme,
    rater_row,
    scheme_row,
    sheet_of,
    sheet_values,
    state_of,
)
from villagevote.scoring.values import check_score, parse_score


def load_sheet(session: Session, rater_id: int, entry_no: int = 1) -> SheetData:
    """One entry of a rater's sheet: the candidates (stroke order), the criteria the rater's group scores, values."""
    rater = rater_row(session, rater_id)
    row = scheme_row(session, rater.scheme_id)
    scheme = scheme_from_dict(row.definition)
    group = session.get(RaterGroup, rater.group_id) if rater.group_id is not None else None
    gcode = group.code if group else ""
    criteria = [c for c in scheme.criteria if gcode in scheme.groups_for(c)]
    participants = sorted(list_participants(session, row.id), key=lambda p: stroke_key(p.name))
    recused = {r.candidacy_id: r.reason for r in session.scalars(select(Recusal).where(Recusal.rater_id == rater_id))}
    sheet = sheet_of(session, rater_id, entry_no)
    codes = criterion_codes(session, row.id)
    locked = ""
    if row.outcome_applied_at is not None:
        locked = tr("结果已确定，评分不能再修改")
    elif entry_no == 2 and not row.double_entry:
        locked = tr("本方案未启用两次录入")
    return SheetData(rater_id=rater.id, rater_name=rater.name, group_code=gcode,
                     group_name=group.name if group else "", entry_no=entry_no, criteria=criteria, rows=participants,
                     values=sheet_values(session, sheet, codes), recused=recused,
                     complete=bool(sheet and sheet.confirmed), exists=sheet is not None,
                     entry_places=scheme.entry_places, locked_reason=locked)


@requires(Permission.EDIT)
def save_sheet(session: Session, actor: Actor, rater_id: int, entry_no: int,
               values: Mapping[tuple[int, str], Decimal | str | None], *, complete: bool = False) -> SheetState:
    """Replace one entry of a rater's sheet with ``values`` (all or nothing).

    Values may be Decimals or typed text; empty text or None leaves the cell empty. With ``complete`` every
    candidate the rater did not recuse from must have every criterion filled.
    """
    rater = rater_row(session, rater_id)
    row = open_scheme(session, rater.scheme_id)
    if entry_no not in (1, 2):
        raise ValidationError(tr("录入次数只能是第 1 次或第 2 次"))
    if entry_no == 2 and not row.double_entry:
        raise ValidationError(tr("评分方案“{name}”未启用两次录入").format(name=row.name))
    data = load_sheet(session, rater_id, entry_no)
    scheme = scheme_from_dict(row.definition)
    crit_by_code = {c.code: c for c in data.criteria}
    row_no = {p.candidacy_id: i for i, p in enumerate(data.rows, start=1)}
    names = {p.candidacy_id: p.name for p in data.rows}
    problems: list[str] = []
    clean: dict[tuple[int, str], Decimal] = {}
    for (cid, code), raw in values.items():
        if cid not in row_no:
            problems.append(tr("人选（编号 {id}）不在本次比选名单中").format(id=cid))
            continue
        where = tr("第 {n} 行 {name}").format(n=row_no[cid], name=names[cid])
        crit = crit_by_code.get(code)
        if crit is None:
            if raw not in (None, "") and code in {c.code for c in scheme.criteria}:
                problems.append(tr("{where}“{c}”：评委组“{g}”不评此项").format(
                    where=where, c=scheme.criterion(code).name, g=data.group_name))
            elif raw not in (None, ""):
                problems.append(tr("{where}：评分项“{c}”不在方案中").format(where=where, c=code))
            continue
        try:
            if isinstance(raw, Decimal):
                check_score(raw, crit, scheme.entry_places, where=where)
                value: Decimal | None = raw
            else:
                value = parse_score(raw, crit, scheme.entry_places, where=where)
        except ValidationError as exc:
            problems.append(exc.message)
            continue
        if value is None:
            continue
        if cid in data.recused:
            problems.append(tr("{where}：评委“{r}”已回避此人选（{why}），不能评分").format(
                where=where, r=data.rater_name, why=data.recused[cid]))
            continue
        clean[(cid, code)] = value
    if complete and not problems:
        for p in data.rows:
            if p.candidacy_id in data.recused:
                continue
            for c in data.criteria:
                if (p.candidacy_id, c.code) not in clean:
                    problems.append(tr("第 {n} 行 {name}“{c}”为空").format(n=row_no[p.candidacy_id], name=p.name,
                                                                       c=c.name))
        if problems:
            problems.insert(0, tr("标记“已录完”前，每位未回避人选的每一项都要填写："))
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        if len(problems) > MAX_LISTED_PROBLEMS:
            shown.append(tr("……另有 {n} 处").format(n=len(problems) - MAX_LISTED_PROBLEMS))
        raise ValidationError(tr("评委“{r}”的评分表未保存：\n").format(r=data.rater_name) + "\n".join(shown))

    who = actor.display_name or actor.username
    other = sheet_of(session, rater_id, 2 if entry_no == 1 else 1) if row.double_entry else None
    if other is not None and other.entered_by == who:
        raise ValidationError(tr("两次录入须由两个人分别完成：评委“{r}”的第 {n} 次录入已由“{who}”完成，"
                                 "请换另一位工作人员登录后录入").format(r=rater.name, n=3 - entry_no, who=who))
    sheet = sheet_of(session, rater_id, entry_no)
    before = {f"{k[0]}/{k[1]}": num_text(v) for k, v in data.values.items()}
    if sheet is None:
        sheet = ScoreSheet(rater_id=rater_id, entry_no=entry_no)
        session.add(sheet)
        session.flush()
    sheet.entered_by = who
    sheet.confirmed = bool(complete)
    session.execute(delete(Score).where(Score.sheet_id == sheet.id))
    ids = {c.code: c.id for c in session.scalars(
        select(ScoreCriterion).where(ScoreCriterion.scheme_id == row.id, ScoreCriterion.kind == "criterion"))}
    for (cid, code), value in clean.items():
        session.add(Score(sheet_id=sheet.id, candidacy_id=cid, criterion_id=ids[code], value=value))
    if clean and not row.frozen:
        row.frozen = True
    session.flush()
    audit.record(session, actor, "save_sheet", "score_sheet", sheet.id, before={"values": before},
                 after={"values": {f"{k[0]}/{k[1]}": num_text(v) for k, v in clean.items()}, "complete": bool(complete),
                        "entry_no": entry_no, "rater": rater.name})
    return state_of(session, rater, row.double_entry)
