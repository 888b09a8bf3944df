"""The 统计上报 page (issue 19): ``page.StatisticsPage``; the county mode ``county.CountyMergeDialog``."""
from villagevote.ui.pages.statistics.page import StatisticsPage

__all__ = ["StatisticsPage"]
