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



def test_scores_written_around_the_schema_move_no_mean_in_the_trend(store, demo_plan):
    """A file written around the schema's checks (a score above or below the scale, half a point, a
    word): the trend still gives each session the means its own results show, which count whole
    scores on the scale only. The trend sums scores in SQL, so it must notice each kind by itself."""
    odd = [9, -2, 3.5, "many"]
    for year in range(2020, 2021 + len(odd)):
        plan = dataclasses.replace(demo_plan, date=dt.date(year, 6, 1), locality="Eastbridge")
        store.import_ballots(plan, "", [Ballot(p.id, g.id, 1 + (i + j + k) % 5) for i, p in enumerate(plan.principles)
                                        for j, g in enumerate(plan.groups) for k in range(5 + (i + year) % 3)])
    sessions = load_trend(store, "Eastbridge").sessions
    first = demo_plan.principles[0].id
    before = [load_record(store, s.id, ballots=False).results[0].groups["council"].mean for s in sessions]
    store.conn.execute("DROP TRIGGER ballots_on_scale_insert")
    for session, score in zip(sessions, odd):  # one kind a session; the last session is left whole
        store.conn.execute("INSERT INTO ballots (session_id, principle_id, participant_id, group_id, score, dont_know, "
                           "mode) VALUES (?, ?, 'odd', 'council', ?, 0, 'cards')", [session.id, first, score])
    store.conn.commit()

    trend = load_trend(store, "Eastbridge")
    records = [load_record(store, s.id, ballots=False) for s in trend.sessions]
    assert [r.results[0].groups["council"].mean for r in records] == before  # a session's own results ignore them
    assert [p.means["council"] for p in next(t for t in trend.trends if t.principle.id == first).points] == before
    assert trend.trends == analytics.trend([(r.session.id, r.plan.date.isoformat(), [g.id for g in r.plan.groups],
                                             r.results) for r in records])


def test_a_score_too_big_to_sum_leaves_the_trend_as_the_sessions_show_it(store, demo_plan):
    """SQLite's SUM stops at 64 bits: a file with a score that large (written around the schema) still
    gives the trend every session's own means, not an error."""
    for year in (2024, 2025, 2026):
        plan = dataclasses.replace(demo_plan, date=dt.date(year, 6, 1), locality="Eastbridge")
        store.import_ballots(plan, "", [Ballot(p.id, g.id, 1 + (i + j + k + year) % 5) for i, p in enumerate(plan.principles)
                                        for j, g in enumerate(plan.groups) for k in range(4)])
    sessions = load_trend(store, "Eastbridge").sessions
    store.conn.execute("DROP TRIGGER ballots_on_scale_insert")
    store.conn.execute("INSERT INTO ballots (session_id, principle_id, participant_id, group_id, score, dont_know, mode) "
                       "VALUES (?, ?, 'odd', 'vcs', ?, 0, 'cards')", [sessions[1].id, demo_plan.principles[0].id, 2**63 - 1])
    store.conn.commit()

    trend = load_trend(store, "Eastbridge")
    records = [load_record(store, s.id, ballots=False) for s in trend.sessions]
    assert trend.trends == analytics.trend([(r.session.id, r.plan.date.isoformat(), [g.id for g in r.plan.groups],
                                             r.results) for r in records])
    assert all(p.means["vcs"] is not None for t in trend.trends for p in t.points)


def test_a_locality_typed_in_any_case_is_named_as_its_sessions_spell_it(store, demo_plan):
    for year in (2025, 2026):
        store.import_ballots(dataclasses.replace(demo_plan, date=dt.date(year, 6, 1), locality="Eastbridge"), "",
                             [Ballot(p.id, "council", 3) for p in demo_plan.principles])
    trend = load_trend(store, "EASTBRIDGE")
    assert trend.locality == "Eastbridge" and len(trend.sessions) == 2
