"""Synthetic but internally consistent statistics values (the B4 rules hold) for workbook, merge and bench tests.

Each village is drawn from a seeded generator: body sizes, cross-membership no larger than either body, women no
more than the members, age bands summing to the 两委 total, shares ≤ 100 %. Any indicator of the catalogue not drawn
here gets 0 (count) or 0/1 (ratio, average), so a catalogue that grows still yields a complete block.
"""
from __future__ import annotations

import random
from pathlib import Path

from villagevote.statistics import catalog as cat
from villagevote.statistics.catalog import Value
from villagevote.statistics.sealed import Cover, DataRow, rows_from_values

PERIOD = "2026-11-18"


def village_values(village_code: str, rng: random.Random) -> list[Value]:
    p = rng.randint(3, 7)
    v = rng.randint(3, 7)
    cross = rng.randint(0, min(p, v))
    lw = p + v - cross
    one_shoulder = rng.random() < 0.6
    branch_director = 0 if one_shoulder else int(rng.random() < 0.5)
    pbw = rng.randint(0, min(2, p))
    vcw = rng.randint(1, min(2, v))
    lww = min(lw, max(pbw, vcw) + rng.randint(0, 1))
    ages = [rng.randint(24, 66) for _ in range(lw)]
    le35 = sum(a <= 35 for a in ages)
    ge60 = sum(a >= 60 for a in ages)
    mid = lw - le35 - ge60
    senior = rng.randint(0, lw)
    college = rng.randint(0, senior)
    bachelor = rng.randint(0, college)
    sec_senior = int(rng.random() < 0.8)
    sec_college = sec_senior and int(rng.random() < 0.5)
    sec_bachelor = sec_college and int(rng.random() < 0.5)
    vc_party = rng.randint(0, v)
    new = rng.randint(0, lw)
    prev_n = rng.randint(max(1, lw - 2), lw + 2)
    prev_sum = sum(rng.randint(26, 68) for _ in range(prev_n))
    sup, coop = rng.randint(3, 5), rng.randint(5, 7)
    reps = rng.randint(20, 45)
    reps_party = rng.randint(reps // 4, reps // 2)
    reps_women = rng.randint(reps // 4, reps // 2)
    electorate = rng.randint(600, 2400)
    ballots = rng.randint(electorate * 3 // 4, electorate)
    party_due = rng.randint(30, 90)
    party_present = rng.randint(party_due * 2 // 3, party_due)
    first = int(rng.random() < 0.9)
    drawn: dict[str, tuple[int, int]] = {
        "S01.villages": (1, 1), "S02.completed": (1, 1), "S03.first_success": (first, 1),
        "S03.first_success_rate": (first, 1), "S04.additional": (1 - first, 1), "S05.failed": (0, 1),
        "S80.turnout": (ballots, electorate), "S80.party_attendance": (party_present, party_due),
        "S10.members": (p, 1), "S10.secretary": (1, 1), "S11.members": (v, 1), "S11.director": (1, 1),
        "S11.deputy": (1, 1), "S11.member": (v - 2, 1), "S12.members": (lw, 1), "S13.cross": (cross, 1),
        "S13.cross_rate": (cross, lw), "S14.one_shoulder": (int(one_shoulder), 1),
        "S14.one_shoulder_rate": (int(one_shoulder), 1), "S15.branch_director": (branch_director, 1),
        "S20.pb_women": (pbw, 1), "S20.pb_women_rate": (pbw, p), "S20.vc_women": (vcw, 1),
        "S20.vc_women_rate": (vcw, v), "S20.lw_women": (lww, 1), "S20.lw_women_rate": (lww, lw),
        "S20.female_secretary": (int(pbw > 0 and rng.random() < 0.2), 1),
        "S20.female_director": (int(vcw > 0 and rng.random() < 0.2), 1),
        "S20.villages_vc_woman": (int(vcw > 0), 1), "S20.villages_pb_woman": (int(pbw > 0), 1),
        "S30.avg_age": (sum(ages), lw), "S30.avg_age_secretary": (ages[0], 1),
        "S30.avg_age_director": (ages[-1], 1), "S30.age_le35": (le35, 1), "S30.age_le35_rate": (le35, lw),
        "S30.age_36_59": (mid, 1), "S30.age_ge60": (ge60, 1), "S30.age_ge60_rate": (ge60, lw),
        "S30.age_unknown": (0, 1), "S30.youth_villages": (int(le35 > 0), 1),
        "S40.edu_senior": (senior, 1), "S40.edu_senior_rate": (senior, lw), "S40.edu_college": (college, 1),
        "S40.edu_college_rate": (college, lw), "S40.edu_bachelor": (bachelor, 1),
        "S40.edu_bachelor_rate": (bachelor, lw), "S40.secretary_senior": (sec_senior, 1),
        "S40.secretary_college": (sec_college, 1), "S40.secretary_bachelor": (sec_bachelor, 1),
        "S50.vc_party": (vc_party, 1), "S50.vc_party_rate": (vc_party, v), "S60.new": (new, 1),
        "S60.new_rate": (new, lw), "S60.reelected": (lw - new, 1), "S60.prev_avg_age": (prev_sum, prev_n),
        "S90.supervision": (sup, 1), "S90.coop": (coop, 1), "S90.cross": (rng.randint(0, 2), 1),
        "S70.reps": (reps, 1), "S70.reps_party": (reps_party, 1), "S70.reps_party_rate": (reps_party, reps),
        "S70.reps_women": (reps_women, 1), "S70.reps_women_rate": (reps_women, reps),
    }
    out: list[Value] = []
    for definition in cat.catalog(cat.STRUCTURE):
        if definition.difference_of is not None:
            a, b = definition.difference_of
            out.append(cat.difference(definition.code, village_code, drawn.get(a, (0, 0)), drawn.get(b, (0, 0))))
            continue
        n, d = drawn.get(definition.code, (0, 1))
        out.append(Value(definition.code, village_code, n, d))
    return out


def township_values(villages: int, seed: int = 1) -> list[Value]:
    rng = random.Random(seed)
    values: list[Value] = []
    for i in range(villages):
        values += village_values(f"{i + 1:03d}", rng)
    return values + cat.township_totals(values)


def township_rows(township_code: str, villages: int, seed: int = 1,
                  period: str = PERIOD) -> tuple[list[DataRow], dict[tuple[str, str], str]]:
    rows = rows_from_values(cat.STRUCTURE, cat.TEMPLATE_VERSION, period, township_code,
                            township_values(villages, seed))
    names = {(township_code, f"{i + 1:03d}"): f"第{i + 1}村" for i in range(villages)}
    return rows, names


def write_township(out: Path, township_code: str, villages: int = 4, seed: int = 1, serial: int = 1,
                   name: str = "清河镇", period: str = PERIOD, correction: str = "",
                   values: list[Value] | None = None) -> Path:
    """A sealed township workbook of synthetic villages (or of ``values``, village codes "001"…, totals added)."""
    from villagevote.statistics.workbook import write_workbook
    if values is None:
        rows, names = township_rows(township_code, villages, seed, period)
    else:
        villages_only = [v for v in values if v.village_code != cat.TOTAL]
        rows = rows_from_values(cat.STRUCTURE, cat.TEMPLATE_VERSION, period, township_code,
                                villages_only + cat.township_totals(villages_only))
        names = {(township_code, v.village_code): f"{v.village_code}村" for v in villages_only}
    cover = Cover(report_code=cat.STRUCTURE, template_version=cat.TEMPLATE_VERSION, period=period, unit_name=name,
                  unit_code=township_code, filled_by="张三", reviewed_by="李四", phone="0570-1234567",
                  submitted_on="2026年11月20日", serial=serial, correction=correction, software="villagevote test")
    path, _cover = write_workbook(out, cover, rows, names)
    return path
