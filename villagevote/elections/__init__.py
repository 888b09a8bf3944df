"""Contests, ballots, tally entry, results and the official lock (issue 7). Domain code: no Qt imports."""
