"""实绩比选 in the database — the public face of the scoring package, used by the GUI, the prints, the command line,
the demo and the tests: schemes, participants, raters and recusals, score sheets (optionally entered twice),
bonus/deduction entries, results, recorded tie decisions and the outcome written to the candidacies.

The work is done in the modules named below (one per part of the workflow); this module gathers their public names.
Every write takes an :class:`~villagevote.audit.Actor`, checks the role, validates everything before changing
anything (a refused call leaves the database as it was) and writes the audit log. Callers run each call inside one
``db.session()`` unit of work (the GUI: ``ctx.write``). Rules kept:

* a scheme is frozen once any score exists (edits refused; copy it to change) — :mod:`.schemes`;
* a rater cannot score a candidate they recused from, and cannot recuse after scoring that candidate — :mod:`.people`;
* a score above the criterion's maximum, negative, with too many decimals or not one of its grades is refused with
  the row, the candidate and the criterion named; an empty cell stays empty (no row), never 0; with double entry a
  sheet counts only when both entries are complete and agree — :mod:`.sheets`;
* once the outcome has been written (入围 -> 初步人选) scores, raters and adjustments are locked — :mod:`.results`.
"""
from __future__ import annotations

from villagevote.scoring.adjustments import add_adjustment, delete_adjustment, list_adjustments
from villagevote.scoring.people import (
    add_participants,
    add_rater,
    eligible_candidacies,
    list_raters,
    recuse,
    remove_participant,
    remove_rater,
    withdraw_recusal,
)
from villagevote.scoring.results import (
    apply_outcome,
    compute,
    place_text,
    record_tie_decision,
    recorded_outcomes,
    scheme_place,
)
from villagevote.scoring.rows import (
    AdjustmentRow,
    OutcomeSummary,
    ParticipantRow,
    RaterRow,
    RawAdjustment,
    RawScore,
    RecordedOutcome,
    RecusalRow,
    SchemeResults,
    SchemeRow,
    SheetData,
    SheetState,
)
from villagevote.scoring.schemes import (
    copy_scheme,
    create_scheme,
    delete_scheme,
    find_scheme,
    list_schemes,
    mirror_definition,
    new_scheme,
    set_double_entry,
    update_scheme,
)
from villagevote.scoring.sheets import load_sheet, save_sheet
from villagevote.scoring.store import (
    EXCLUDED_STATUSES,
    MAX_LISTED_PROBLEMS,
    get_scheme,
    list_participants,
    post_key,
    sheet_state,
)

__all__ = [
    "EXCLUDED_STATUSES",
    "MAX_LISTED_PROBLEMS",
    "AdjustmentRow",
    "OutcomeSummary",
    "ParticipantRow",
    "RaterRow",
    "RawAdjustment",
    "RawScore",
    "RecordedOutcome",
    "RecusalRow",
    "SchemeResults",
    "SchemeRow",
    "SheetData",
    "SheetState",
    "add_adjustment",
    "add_participants",
    "add_rater",
    "apply_outcome",
    "compute",
    "copy_scheme",
    "create_scheme",
    "delete_adjustment",
    "delete_scheme",
    "eligible_candidacies",
    "find_scheme",
    "get_scheme",
    "list_adjustments",
    "list_participants",
    "list_raters",
    "list_schemes",
    "load_sheet",
    "mirror_definition",
    "new_scheme",
    "place_text",
    "post_key",
    "record_tie_decision",
    "recorded_outcomes",
    "recuse",
    "remove_participant",
    "remove_rater",
    "save_sheet",
    "scheme_place",
    "set_double_entry",
    "sheet_state",
    "update_scheme",
    "withdraw_recusal",
]
