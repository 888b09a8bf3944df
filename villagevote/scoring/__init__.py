"""Performance-based selection (实绩比选): scoring schemes (``scheme``); the pure scoring engine (``engine``:
aggregation and ranking over the data in ``records``, with numbers and double entry in ``values``); the database
service (``service``, gathering ``schemes``, ``people``, ``sheets``, ``adjustments`` and ``results``); and what the
page reads (``queries``)."""
