"""Blocks on a narrow terminal or in a pipe are drawn line by line: whole, aligned, never past the width."""

from __future__ import annotations

import dataclasses
import datetime as dt

from click.testing import CliRunner

from workshop.cli import cli
from workshop.model import Ballot


def test_a_long_trend_flows_its_sessions_and_keeps_the_sparkline_whole(db_path, store, demo_plan):
    plan = dataclasses.replace(demo_plan, principles=demo_plan.principles[:2], locality="Eastbridge")
    for i in range(14):
        dated = dataclasses.replace(plan, date=dt.date(2013 + i, 3, 1))
        store.import_ballots(dated, "", [Ballot(p.id, g.id, 1 + (i + k + j) % 5) for p in dated.principles
                                         for j, g in enumerate(dated.groups) for k in range(3)])
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db_path), "trend", "Eastbridge"], env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60
    first = result.stdout.split("\n 2. ")[0]
    for year in range(2013, 2027):
        assert first.count(f"{year}-03-01") == 1  # every session once, a value beside it
    sparks = [line.strip() for line in lines if line.strip().startswith("trend ")]
    assert len(sparks) == 2 and all(len(s) == len("trend ") + 14 for s in sparks)
    # Items line up: each session's value ends in the same column on every line of points.
    ends = {line.rstrip().__len__() for line in first.splitlines() if line.startswith("    2")
            and line.count("-03-01") == max(l.count("-03-01") for l in first.splitlines())}
    assert len(ends) == 1
