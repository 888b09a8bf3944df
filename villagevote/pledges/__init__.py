"""Pledges (承诺): templates, per-candidacy pledges, review (审诺), signing (签诺), public notice (示诺), term goals.

Pure Python; no Qt. Templates are data under ``resources/pledge_templates/``; see :mod:`.templates`.
"""
