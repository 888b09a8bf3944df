"""Voter registers (选民登记): workbook import, eligibility, statutory calendar, objections and proxies.

Pure Python: nothing in this package imports Qt.
"""
