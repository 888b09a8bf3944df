"""Performance-based selection (实绩比选): scoring schemes (``scheme``) and the pure scoring engine (``engine``)."""
