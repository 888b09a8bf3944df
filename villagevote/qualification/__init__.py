"""Qualification review (资格审查): rule catalogs, findings, verdicts, three-stage review. No Qt here."""
