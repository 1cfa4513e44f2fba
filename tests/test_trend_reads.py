"""A locality's trend is read in a few queries, and says exactly what each session's own results say."""

from __future__ import annotations

import dataclasses
import datetime as dt

from workshop import analytics
from workshop.model import Ballot, Group
from workshop.session.records import load_record, load_trend


def test_the_trend_gives_each_session_its_own_means_and_gaps(store, demo_plan):
    """Suppressed groups, a session with a third group first in line, a principle dropped and one added:
    the trend's points are the means and gaps each session shows on its own."""
    three = dataclasses.replace(demo_plan, groups=(Group("health", "Health"),) + demo_plan.groups)
    shorter = dataclasses.replace(demo_plan, principles=demo_plan.principles[2:])
    for year, plan in ((2024, demo_plan), (2025, three), (2026, shorter), (2027, demo_plan)):
        plan = dataclasses.replace(plan, date=dt.date(year, 6, 1), locality="Eastbridge")
        ballots = [Ballot(p.id, g.id, (i * 7 + j * 3 + year) % 6 or None)
                   for i, p in enumerate(plan.principles) for j, g in enumerate(plan.groups)
                   for _ in range((i + j + year) % 5)]  # 0 to 4 each: some groups below min_group_size
        store.import_ballots(plan, "", ballots)
    trend = load_trend(store, "Eastbridge")
    records = [load_record(store, s.id, ballots=False) for s in trend.sessions]
    expected = analytics.trend([(r.session.id, r.plan.date.isoformat(), [g.id for g in r.plan.groups], r.results)
                                for r in records])
    assert trend.trends == expected
    points = [p for t in trend.trends for p in t.points]
    assert any(p.asked and p.gap is None for p in points)  # suppressed or a different pair
    assert any(p.gap is not None for p in points) and any(not p.asked for p in points)
