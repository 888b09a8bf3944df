"""Migrations keep frozen copies of the live functions whose output they store; today the copies agree with the live
code. When one of these fails, the live function changed: that needs a NEW migration recomputing the stored values
(the old migration keeps its copy), not an edit of the frozen copy."""
from __future__ import annotations

import ast
import random
from pathlib import Path

from villagevote.migrations import frozen_0008
from villagevote.models.base import NAMING
from villagevote.names import _tables
from villagevote.voters.search import name_sort_key


def _sample_names() -> list[str]:
    order, totals = _tables()
    known = sorted(order)
    counted = sorted(set(totals) - set(order))
    rng = random.Random(8)
    names = ["", " ", "王", "王毅", "王　毅", "王沪宁", "欧阳明", "张三（女）", "李四(回族)", "阿卜杜·热合曼",
             "Anna", "王A", "王😀", "㐀㐁", "乂", "\u00b7", "王-毅", "a" * 5000]
    names += known[::37]
    names += counted[::997]
    for _ in range(3000):
        pool = known if rng.random() < 0.9 else counted
        names.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 4))))
    return names


def test_0008_sort_key_copy_agrees_with_the_live_function() -> None:
    differ = [name for name in _sample_names() if frozen_0008.name_sort_key(name) != name_sort_key(name)]
    assert not differ, f"voters.search.name_sort_key changed for {differ[:10]}: add a migration that recomputes " \
                       "voter.name_sort (0008 keeps its frozen copy)"



def test_migrations_name_constraints_as_the_models_do() -> None:
    """env.py cannot be imported outside alembic (it runs the migrations): read its frozen NAMING literal."""
    source = (Path(frozen_0008.__file__).parent / "env.py").read_text(encoding="utf-8")
    frozen = next(ast.literal_eval(node.value) for node in ast.parse(source).body
                  if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "NAMING")
    assert frozen == NAMING
