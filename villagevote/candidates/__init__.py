"""Persons, relationships and candidacies (候选人/自荐人) with their status machine. No Qt here."""
