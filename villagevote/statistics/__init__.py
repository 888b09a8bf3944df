"""统计上报 (issue 19): the indicators the county asks for (``catalog``), their computation from plain input
(``indicators``, pure), the compliance sheet and consistency checks (``compliance``), the database reads
(``gather``), the village-representatives and previous-cycle rosters (``roster``) and the tracking figures
(``tracking_stats``); the sealed township workbook and the county merge build on these."""
