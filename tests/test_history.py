"""After the workshop: compare two sessions, a locality's trend, following up actions, merging databases."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from conftest import DATA, REPO
from workshop.cli import cli
from workshop.store import Store

DEMO = (REPO / "sessions" / "demo.yaml").read_text()


def plan_dated(tmp_path, date: str, locality: str = "Northshire"):
    path = tmp_path / f"plan-{date}.yaml"
    path.write_text(DEMO.replace("date: 2026-12-03", f"date: {date}").replace("locality: Northshire",
                                                                           f"locality: {locality}"))
    return path


def invoke(runner, db, *args):
    return runner.invoke(cli, ["--db", str(db), *map(str, args)], catch_exceptions=False, env={"COLUMNS": "140"})


def imported(runner, db, plan, votes) -> str:
    result = invoke(runner, db, "import", plan, DATA / "votes" / votes)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.fixture
def two_years(runner, db_path, tmp_path):
    first = imported(runner, db_path, plan_dated(tmp_path, "2025-11-20"), "demo-votes.csv")
    second = imported(runner, db_path, plan_dated(tmp_path, "2026-11-19"), "demo-votes-later.csv")
    return first, second


def test_compare_json_gives_each_groups_move_and_the_gap(runner, db_path, two_years):
    first, second = two_years
    # Named later-first: the comparison still runs earlier -> later.
    data = json.loads(invoke(runner, db_path, "compare", second, first, "--json").stdout)
    assert (data["before"]["id"], data["after"]["id"]) == (first, second)
    by_id = {p["id"]: p for p in data["principles"]}
    challenge = by_id["council-accepts-vcs-right-to-challenge"]
    # 2025: council 4.333, VCS 2.0 (gap -2.333); 2026: council 4.0, VCS 3.333 (gap -0.667).
    assert challenge["groups"]["council"] == {"before": 4.333, "after": 4.0, "change": -0.333}
    assert challenge["groups"]["vcs"] == {"before": 2.0, "after": 3.333, "change": 1.333}
    assert (challenge["gap_before"], challenge["gap_after"], challenge["gap_change"]) == (-2.333, -0.667, 1.667)
    grants = by_id["council-sustains-grant-programmes"]
    assert (grants["gap_before"], grants["gap_after"]) == (0.167, -1.0)
    # Biggest change first.
    assert data["principles"][0]["id"] == "council-accepts-vcs-right-to-challenge"
    assert len(data["principles"]) == 10


def test_compare_table_marks_changed_wording(runner, db_path, tmp_path):
    first = imported(runner, db_path, plan_dated(tmp_path, "2025-11-20"), "demo-votes.csv")
    with Store(db_path) as store:
        plan = store.session(first).plan
        import dataclasses

        p0 = dataclasses.replace(plan.principles[0], statement="The council welcomes challenge from the VCS.")
        later = dataclasses.replace(plan, date=plan.date.replace(year=2026), principles=(p0,) + plan.principles[1:])
        second = store.start_session(later).id
    out = invoke(runner, db_path, "compare", first, second).stdout
    assert "The council welcomes challenge from the VCS. †" in out and "† marks a principle whose wording" in out
    assert "4.3 → –" in out


def test_trend_over_three_sessions(runner, db_path, tmp_path, two_years):
    third = imported(runner, db_path, plan_dated(tmp_path, "2027-11-18"), "demo-votes-later.csv")
    imported(runner, db_path, plan_dated(tmp_path, "2027-01-01", locality="Eastbridge"), "demo-votes.csv")
    data = json.loads(invoke(runner, db_path, "trend", "northshire", "--json").stdout)
    assert [s["id"] for s in data["sessions"]] == [*two_years, third]
    assert [s["label"] for s in data["sessions"]] == ["2025-11-20", "2026-11-19", "2027-11-18"]
    challenge = next(p for p in data["principles"] if p["id"] == "council-accepts-vcs-right-to-challenge")
    assert [pt["gap"] for pt in challenge["points"]] == [-2.333, -0.667, -0.667]
    assert [pt["asked"] for pt in challenge["points"]] == [True, True, True]
    out = invoke(runner, db_path, "trend", "Northshire").stdout
    assert "Northshire: 3 sessions, oldest first" in out
    assert points(out, "The council accepts the right") == [
        ("2025-11-20", "−2.3"), ("2026-11-19", "−0.7"), ("2027-11-18", "−0.7"), ("trend", "▂▄▄")]


def points(out: str, start: str) -> list[tuple[str, str]]:
    """(session label, gap) under the principle whose statement starts with `start`, then ("trend", sparkline).

    Piped, the trend is one principle a block: the statement, then each session's gap beside its label.
    """
    block = out[out.index(start):].split("\n\n")[0]
    under = block[block.index("20"):]  # the first label: every session's date starts 20..
    found = re.findall(r"(\d{4}-\d\d-\d\d(?: [a-z0-9]{4,})?)\s+(\S+)|trend (\S+)", under)
    return [(label, value) if label else ("trend", spark) for label, value, spark in found]


# A spring session in between that asked only two principles: grants and open dialogue.
SPRING_PRINCIPLES = "  ids: [council-sustains-grant-programmes, council-is-frank-with-vcs]\n"
SPRING_VOTES = "participant,group,principle,score\n" + "".join(
    f",{group},council-sustains-grant-programmes,{score}\n" for group, score in
    [("council", 5), ("council", 5), ("council", 5), ("vcs", 2), ("vcs", 2), ("vcs", 2)])


@pytest.fixture
def with_spring(runner, db_path, tmp_path, two_years):
    """2025-11-20 (demo votes), 2026-05-01 (two principles only), 2026-11-19 (later votes)."""
    plan = plan_dated(tmp_path, "2026-05-01")
    text = plan.read_text()
    start, end = text.index("  ids:\n"), text.index("modes:")
    plan.write_text(text[:start] + SPRING_PRINCIPLES + text[end:])
    votes = tmp_path / "spring.csv"
    votes.write_text(SPRING_VOTES)
    result = invoke(runner, db_path, "import", plan, votes)
    assert result.exit_code == 0, result.output
    return [two_years[0], result.stdout.strip(), two_years[1]]


def test_trend_points_line_up_with_the_sessions(runner, db_path, with_spring):
    data = json.loads(invoke(runner, db_path, "trend", "Northshire", "--json").stdout)
    assert [s["id"] for s in data["sessions"]] == with_spring
    by_id = {p["id"]: p for p in data["principles"]}
    assert len(by_id) == 10
    assert all([pt["session"] for pt in p["points"]] == with_spring for p in data["principles"])
    # Challenge: 2025 council 4.333, VCS 2.0; not in the spring session; 2026 council 4.0, VCS 3.333.
    challenge = by_id["council-accepts-vcs-right-to-challenge"]["points"]
    assert [(pt["asked"], pt["gap"]) for pt in challenge] == [(True, -2.333), (False, None), (True, -0.667)]
    assert challenge[1]["means"] == {} and challenge[1]["date"] == "2026-05-01"
    # Grants in every session: 4.333 and 4.5 (+0.167); 5.0 and 2.0 (-3.0); 3.0 and 2.0 (-1.0).
    grants = by_id["council-sustains-grant-programmes"]["points"]
    assert [(pt["asked"], pt["gap"]) for pt in grants] == [(True, 0.167), (True, -3.0), (True, -1.0)]
    assert [pt["means"]["council"] for pt in grants] == [4.333, 5.0, 3.0]
    # Open dialogue: asked every time, never voted on.
    dialogue = by_id["council-is-frank-with-vcs"]["points"]
    assert [(pt["asked"], pt["gap"]) for pt in dialogue] == [(True, None)] * 3

    out = invoke(runner, db_path, "trend", "Northshire").stdout
    # Under each statement, each session's date and its gap.
    dates = ["2025-11-20", "2026-05-01", "2026-11-19", "trend"]
    # On -4..+4, step round((gap + 4) / 8 * 7) of ▁▂▃▄▅▆▇█: -3.0 and -2.3 are ▂, -1.0 and -0.7 ▄, +0.2 ▅;
    # where there is no gap, the same mark as the values: · not asked, – asked but no gap to show.
    assert points(out, "The council accepts the right") == list(zip(dates, ["−2.3", "·", "−0.7", "▂·▄"]))
    assert points(out, "The council keeps giving grants") == list(zip(dates, ["+0.2", "−3.0", "−1.0", "▅▂▄"]))
    assert points(out, "The council is open and frank") == list(zip(dates, ["–", "–", "–", "–––"]))


def test_trend_tells_apart_sessions_on_the_same_day(runner, db_path, tmp_path, two_years):
    again = imported(runner, db_path, plan_dated(tmp_path, "2026-11-19"), "demo-votes.csv")
    data = json.loads(invoke(runner, db_path, "trend", "Northshire", "--json").stdout)
    first, second = two_years
    assert [s["id"] for s in data["sessions"]] == [first, second, again]
    size = 4
    while second[:size] == again[:size]:
        size += 1
    assert [s["label"] for s in data["sessions"]] == ["2025-11-20", f"2026-11-19 {second[:size]}",
                                                     f"2026-11-19 {again[:size]}"]
    out = invoke(runner, db_path, "trend", "Northshire").stdout
    labels = [label for label, _ in points(out, "The council accepts the right")]
    assert labels == ["2025-11-20", f"2026-11-19 {second[:size]}", f"2026-11-19 {again[:size]}", "trend"]


@pytest.mark.parametrize(("sessions", "expected"), [
    # (id, date, principle ids rated) per session -> per principle: (session, asked) per point.
    pytest.param([("s1", "2025-01-01", "ab"), ("s2", "2026-01-01", "b"), ("s3", "2027-01-01", "ac")],
                 {"a": [("s1", True), ("s2", False), ("s3", True)],
                  "b": [("s1", True), ("s2", True), ("s3", False)],
                  "c": [("s1", False), ("s2", False), ("s3", True)]}, id="gaps-and-late-arrivals"),
    # Given newest first: still oldest first.
    pytest.param([("s2", "2026-01-01", "a"), ("s1", "2025-01-01", "b")],
                 {"b": [("s1", True), ("s2", False)], "a": [("s1", False), ("s2", True)]}, id="sorted-by-date"),
    pytest.param([], {}, id="no-sessions"),
])
def test_trend_gives_every_principle_a_point_per_session(sessions, expected):
    from workshop.analytics import PrincipleResult, trend
    from workshop.model import Principle

    def result(pid):
        return PrincipleResult(Principle(pid, pid, "t", "both"), {}, 0.5, ())

    trends = trend([(sid, date, ["council", "vcs"], [result(pid) for pid in pids]) for sid, date, pids in sessions])
    assert {t.principle.id: [(p.session_id, p.asked) for p in t.points] for t in trends} == expected
    assert all(p.gap == (0.5 if p.asked else None) for t in trends for p in t.points)


def test_sparkline_keeps_a_dot_for_each_missing_value():
    from workshop.analytics import sparkline

    assert sparkline([-4, None, 0, 4, None], -4, 4) == "▁·▅█·"


def test_trend_for_an_unknown_locality(runner, db_path, two_years):
    result = invoke(runner, db_path, "trend", "Northshir")
    assert result.exit_code == 2
    assert "no sessions for locality 'Northshir' (did you mean 'Northshire'?)" in result.stderr


def test_report_options_go_together(runner, db_path, two_years):
    result = invoke(runner, db_path, "compare", *two_years, "--format", "md")
    assert result.exit_code == 2 and "--format and -o go together" in result.stderr


def test_actions_follow_up(runner, db_path, two_years):
    first, second = two_years
    with Store(db_path) as store:
        a1 = store.add_action(first, "Publish the grants timetable", owner="council", due="2026-03-31")
        store.add_action(first, "VCS forum to gather case studies", owner="vcs")
        store.add_action(second, "Joint letter to government", owner="both")
    listed = json.loads(invoke(runner, db_path, "actions", "--locality", "Northshire", "--json").stdout)
    assert [a["text"] for a in listed] == ["Publish the grants timetable", "VCS forum to gather case studies",
                                          "Joint letter to government"]
    result = invoke(runner, db_path, "action", a1.id, "--status", "done", "--note", "Published in May")
    assert result.exit_code == 0 and "done (Published in May)" in result.stdout
    still_open = json.loads(invoke(runner, db_path, "actions", "--open", "--json").stdout)
    assert "Publish the grants timetable" not in [a["text"] for a in still_open] and len(still_open) == 2
    assert "Published in May" in invoke(runner, db_path, "actions").stdout
    bad = invoke(runner, db_path, "action", 999, "--status", "done")
    assert bad.exit_code == 2 and "no action 999" in bad.stderr


def test_merge_brings_sessions_once_and_reports_conflicts(runner, tmp_path):
    mine, theirs = tmp_path / "mine.db", tmp_path / "theirs.db"
    own = imported(runner, mine, plan_dated(tmp_path, "2025-11-20"), "demo-votes.csv")
    other = imported(runner, theirs, plan_dated(tmp_path, "2026-02-02", locality="Eastbridge"), "demo-votes-later.csv")
    with Store(theirs) as store:
        store.add_action(other, "Set up a quarterly forum", owner="both")
    before = theirs.read_bytes()
    result = invoke(runner, mine, "merge", theirs)
    assert result.exit_code == 0 and "added 1 session, 0 already here" in result.stdout
    assert theirs.read_bytes() == before  # the other file is only read
    again = invoke(runner, mine, "merge", theirs)
    assert "added 0 sessions, 1 already here" in again.stdout
    listed = json.loads(invoke(runner, mine, "list", "--json").stdout)
    assert {s["id"] for s in listed} == {own, other}
    assert json.loads(invoke(runner, mine, "show", other, "--json").stdout) == json.loads(
        invoke(runner, theirs, "show", other, "--json").stdout)
    assert [a["text"] for a in json.loads(invoke(runner, mine, "actions", "--json").stdout)] == [
        "Set up a quarterly forum"]
    # The other facilitator changes a ballot: merging again reports a conflict and keeps ours.
    conn = sqlite3.connect(theirs)
    conn.execute("UPDATE ballots SET score = 1 WHERE participant_id = (SELECT MIN(participant_id) FROM ballots)")
    conn.commit()
    conn.close()
    ours = invoke(runner, mine, "show", other, "--json").stdout
    conflict = invoke(runner, mine, "merge", theirs)
    assert conflict.exit_code == 1 and f"conflict: session {other}" in conflict.stderr
    assert invoke(runner, mine, "show", other, "--json").stdout == ours


@pytest.mark.parametrize("content, message", [
    (b"not a database", "not a workshop database"),
    (None, "no such database file"),
])
def test_merge_refuses_bad_files(runner, db_path, tmp_path, content, message):
    other = tmp_path / "other.db"
    if content is not None:
        other.write_bytes(content)
    result = invoke(runner, db_path, "merge", other)
    assert result.exit_code == 2 and message in result.stderr


def test_merge_refuses_a_foreign_database(runner, db_path, tmp_path):
    other = tmp_path / "photos.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos (id)")
    conn.commit()
    conn.close()
    result = invoke(runner, db_path, "merge", other)
    assert result.exit_code == 2 and "another program" in result.stderr


@pytest.mark.parametrize("named", ["older-first", "newer-first"])
def test_compare_names_both_sessions_with_their_ids_older_first(runner, db_path, tmp_path, named):
    plan = plan_dated(tmp_path, "2026-11-19")
    older = imported(runner, db_path, plan, "demo-votes.csv")
    newer = imported(runner, db_path, plan, "demo-votes-later.csv")  # the same title and the same date
    args = (older, newer) if named == "older-first" else (newer, older)
    lines = invoke(runner, db_path, "compare", *args).stdout.splitlines()
    title = "Northshire Partnership Health Check (demo) (2026-11-19, session {})"
    assert lines[:2] == ["Then: " + title.format(older), "Now:  " + title.format(newer)]
    data = json.loads(invoke(runner, db_path, "compare", *args, "--json").stdout)
    assert (data["before"]["id"], data["after"]["id"]) == (older, newer)
    assert "The older session is \"then\", whichever order" in flat(invoke(runner, db_path, "compare", "--help").stdout)


def flat(text: str) -> str:
    return " ".join(text.split())
