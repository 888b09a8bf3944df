"""The malformed-workbook corpus (bench/workbook_corpus.py) as tests: every generated file, with every importer run
as the GUI runs it, ends in a clean Chinese message or a correct import — never another exception, never a partial
write. The huge-dimension files run in a subprocess under an address-space limit: if the reader let one through,
python-calamine would abort that process, not this one."""
from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import workbook_corpus as corpus  # noqa: E402

KINDS = ("valid", "truncated-zip", "corrupted-zip", "random-bytes", "html-as-xls", "csv-renamed", "empty-file",
         "no-sheets", "not-a-workbook", "broken-xml", "formula-no-value", "merged-cells", "invisible-characters",
         "wrong-headers", "xls", "truncated-xls", "password", "ods")
# What a file of these kinds must end in: None = a clean message or a correct import (decided per file below).
MUST_REFUSE = {"truncated-zip", "corrupted-zip", "random-bytes", "html-as-xls", "csv-renamed", "empty-file",
               "no-sheets", "not-a-workbook", "broken-xml", "formula-no-value", "truncated-xls", "password",
               "huge-dimension"}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("corpus")
    out: dict[tuple[str, str], list] = defaultdict(list)
    worlds = {}
    for importer in corpus.IMPORTERS:
        world = corpus.build_world(workdir / f"{importer}.sqlite3", workdir)
        worlds[importer] = world
        for case in corpus.generate(workdir / "files", world, (importer,)):
            if case.kind in corpus.HUGE_KINDS:
                continue
            out[(importer, case.kind)].append((case, corpus.run_case(world, case)))
    yield out, worlds
    for world in worlds.values():
        world.db.dispose()


def test_corpus_has_at_least_200_files(results):
    out, _ = results
    in_process = sum(len(v) for v in out.values())
    assert in_process + 8 * len(corpus.IMPORTERS) >= 200  # 8 huge-dimension files per importer run in a subprocess


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("importer", corpus.IMPORTERS)
def test_every_file_ends_cleanly(results, importer, kind):
    out, _ = results
    cases = out[(importer, kind)]
    assert cases, f"no {kind} files for {importer}"
    for case, outcome in cases:
        assert outcome.result != "crashed", f"{case.id}: {outcome.text}"
        if kind in MUST_REFUSE:
            assert outcome.result == "message", f"{case.id} was imported: {outcome.text}"


def test_valid_files_import(results):
    out, _ = results
    for importer in corpus.IMPORTERS:
        (case, outcome), = out[(importer, "valid")]
        assert outcome.result == "imported", f"{case.id}: {outcome.text}"


def test_identity_cells_with_invisible_characters_are_refused_with_the_row(results):
    out, _ = results
    for importer in corpus.IMPORTERS:
        for case, outcome in out[(importer, "invisible-characters")]:
            if case.path.stem == "control-other":
                continue  # a control character in another column is removed silently (harmless)
            assert outcome.result == "message", f"{case.id}: {outcome.text}"
            assert "看不见的字符" in outcome.text and "行" in outcome.text


def test_merged_village_group_is_filled_down_for_every_row(results):
    """A 村民小组 merged over all six rows (the value is in the first row only): every voter gets the group."""
    from villagevote.models import Voter

    out, worlds = results
    (case, _), = [(c, o) for c, o in out[("voters", "merged-cells")] if c.path.name == "merged-down.xlsx"]
    names = ["周一", "吴二", "郑三", "冯四", "陈五", "褚六"]
    world = worlds["voters"]
    outcome = corpus.run_case(world, case)  # again, now: later files of the corpus changed the groups since
    assert outcome.result == "imported", outcome.text
    with world.db.session() as s:
        groups = dict(s.execute(select(Voter.name, Voter.group_id).where(Voter.name.in_(names))).all())
    assert len(groups) == 6 and None not in groups.values() and len(set(groups.values())) == 1, groups


def test_formula_message_names_the_cell(results):
    out, _ = results
    texts = [o.text for c, o in out[("voters", "formula-no-value")] if c.path.name == "formula-name.xlsx"]
    assert texts and "A3" in texts[0] and "公式" in texts[0]


def test_huge_dimension_files_are_refused_in_a_memory_limited_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "workbook_corpus.py"), "--only-kind", "huge-dimension",
         "--memory-limit-gb", "2", "--keep", str(tmp_path / "huge")],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    total = proc.stdout.strip().splitlines()[-1].split()
    assert total[0] == "total" and int(total[1]) == 8 * len(corpus.IMPORTERS) == int(total[2]), proc.stdout
