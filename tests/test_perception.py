"""The perception round ("how will the other side rate this?"): the misread rule, predictions kept
apart from ballots, the store, the running session, show --json, the reports and VOTES.csv."""

from __future__ import annotations

import dataclasses
import html
import json
import sqlite3

import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.analytics import principle_result
from workshop.cli import cli
from workshop.inputs.ballots_csv import parse_votes
from workshop.inputs.plan import parse_plan
from workshop.inputs.problems import InputError
from workshop.model import Ballot, Prediction
from workshop.perception import MISREAD, Perception, is_misread, tally_predictions, with_perceptions
from workshop.session.records import load_record
from workshop.session.running import LiveSession
from workshop.store import SCHEMA_VERSION, BallotError, Store
from workshop.wording import perception_cells, perception_words

PID = "council-sustains-grant-programmes"
PLAN = f"""
title: Perception check
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 3
perception: true
scale: {{min: 1, max: 5}}
principles: {{ids: [{PID}, council-is-frank-with-vcs]}}
"""
NAMES = {"council": "Council", "vcs": "VCS"}


def plan_on(lo: int = 1, hi: int = 5, min_group_size: int = 1, **more):
    text = PLAN.replace("{min: 1, max: 5}", f"{{min: {lo}, max: {hi}}}").replace(
        "min_group_size: 3", f"min_group_size: {min_group_size}")
    return dataclasses.replace(parse_plan(text), **more)


def result_of(plan, ballots, predictions):
    """The first principle's result with its perceptions, as every output gets it."""
    base = principle_result(plan.principles[0], ballots, plan)
    return with_perceptions([base], tally_predictions(predictions), plan)[0]


def ballots_at(group: str, scores) -> list[Ballot]:
    return [Ballot(PID, group, s) for s in scores]


def guesses(group: str, about: str, scores) -> list[Prediction]:
    return [Prediction(PID, group, about, s) for s in scores]


# --- the rule --------------------------------------------------------------------------------

# (scale, the other side's scores, the predictions, misread?). A quarter of the range is 1.0 on
# 1-5, 1.5 on 1-7 and 2.5 on 0-10: exactly that far off is misread, a little less is not.
THRESHOLDS = [
    ((1, 5), [2, 2, 2], [3, 3, 3], True),              # off by 1.0 exactly
    ((1, 5), [2, 2, 2], [1, 1, 1], True),              # the other way: expected lower
    ((1, 5), [2, 2, 2] * 10, [3] * 29 + [2], False),  # off by 0.967
    ((1, 7), [2, 2], [3, 4, 3, 4], True),               # off by 1.5 exactly
    ((1, 7), [2, 2, 2], [3, 3, 4, 3, 4, 4, 3, 4, 3, 3], False),  # off by 1.4
    ((1, 7), [4] * 3, [5] * 2 + [6] * 1, False),        # off by 1.333
    ((0, 10), [5, 5], [7, 8, 7, 8], True),              # off by 2.5 exactly
    ((0, 10), [5, 5], [7, 7, 8], False),                # off by 2.333
    ((0, 10), [0, 0, 0], [10, 10, 10], True),           # as far off as the scale allows
]


@pytest.mark.parametrize("ends, actual, predicted, misread", THRESHOLDS)
def test_misread_is_a_quarter_of_the_range_or_more(ends, actual, predicted, misread):
    plan = plan_on(*ends)
    r = result_of(plan, ballots_at("vcs", actual) + ballots_at("council", actual),
                  guesses("council", "vcs", predicted))
    assert is_misread(r.perceptions["council"], plan.scale) is misread
    assert (MISREAD in r.flags) is misread


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_predictions_are_never_misread(count):
    plan = plan_on(1, 5)
    r = result_of(plan, ballots_at("vcs", [1, 1, 1]) + ballots_at("council", [5, 5, 5]),
                  guesses("council", "vcs", [5] * count))
    assert r.perceptions["council"].n == count
    assert not is_misread(r.perceptions["council"], plan.scale) and MISREAD not in r.flags


def test_no_misread_while_the_other_side_is_too_few_to_show():
    plan = plan_on(1, 5, min_group_size=3)
    r = result_of(plan, ballots_at("vcs", [1, 1]) + ballots_at("council", [5, 5, 5]),
                  guesses("council", "vcs", [5, 5, 5]))
    p = r.perceptions["council"]
    assert p.mean == 5 and p.actual is None and p.actual_suppressed and p.error is None
    assert MISREAD not in r.flags


def test_predictions_below_min_group_size_are_too_few_to_show():
    plan = plan_on(1, 5, min_group_size=3)
    r = result_of(plan, ballots_at("vcs", [1, 1, 1]), guesses("council", "vcs", [5, 5, None]))
    p = r.perceptions["council"]
    assert (p.n, p.dont_know, p.mean, p.suppressed) == (2, 1, None, True)
    assert perception_words(p, NAMES) == "Council's predictions of VCS: too few to show"
    assert perception_cells(p)[0] == "too few to show"


def test_dont_know_predictions_are_counted_never_averaged():
    plan = plan_on(1, 5)
    r = result_of(plan, ballots_at("vcs", [2, 2, 2]), guesses("council", "vcs", [4, 4, 4, None, None]))
    assert (r.perceptions["council"].n, r.perceptions["council"].dont_know, r.perceptions["council"].mean) == (3, 2, 4)


@pytest.mark.parametrize("mean, actual, words, cells", [
    (3.75, 1.5, "Council expected VCS to rate this 3.8; VCS rated it 1.5", ("3.8", "1.5", "+2.3")),
    (2.0, 4.25, "Council expected VCS to rate this 2.0; VCS rated it 4.3", ("2.0", "4.3", "\u22122.3")),
    (3.0, 3.0, "Council expected VCS to rate this 3.0; VCS rated it 3.0", ("3.0", "3.0", "0.0")),
    (3.0, None, "Council expected VCS to rate this 3.0; VCS's own rating: no scores yet", ("3.0", "–", "–")),
])
def test_perceptions_read_the_same_everywhere(mean, actual, words, cells):
    p = Perception("council", "vcs", 4, 0, mean, actual)
    assert perception_words(p, NAMES) == words
    assert perception_cells(p) == cells  # the error shown is the difference of the figures shown


def test_a_plan_without_the_round_gets_its_results_unchanged():
    plan = plan_on(perception=False)
    base = principle_result(plan.principles[0], ballots_at("vcs", [1, 1, 1]), plan)
    assert with_perceptions([base], tally_predictions(guesses("council", "vcs", [5, 5, 5])), plan) == [base]
    assert base.perceptions == {}


scores = st.lists(st.integers(1, 5) | st.none(), max_size=12)


@settings(max_examples=150, deadline=None)
@given(own=scores, other=scores, predicted=scores, back=scores)
def test_predictions_never_move_a_groups_own_results(own, other, predicted, back):
    plan = plan_on(1, 5)
    ballots = ballots_at("council", own) + ballots_at("vcs", other)
    without = principle_result(plan.principles[0], ballots, plan)
    r = result_of(plan, ballots, guesses("council", "vcs", predicted) + guesses("vcs", "council", back))
    assert r.groups == without.groups and r.gap == without.gap
    assert r.flags[:len(without.flags)] == without.flags and set(r.flags) - set(without.flags) <= {MISREAD}
    # And the perception's real mean is the other side's own, to the last bit.
    assert r.perceptions["council"].actual == without.groups["vcs"].mean
    assert r.perceptions["vcs"].actual == without.groups["council"].mean


@settings(max_examples=150, deadline=None)
@given(lo=st.integers(-3, 3), points=st.integers(2, 11), actual=st.lists(st.integers(0, 10), min_size=3, max_size=8),
       predicted=st.lists(st.integers(0, 10), min_size=3, max_size=8))
def test_misread_is_symmetric_and_agrees_with_the_error(lo, points, actual, predicted):
    plan = plan_on(lo, lo + points - 1)
    clip = [lo + s % points for s in actual], [lo + s % points for s in predicted]
    r = result_of(plan, ballots_at("vcs", clip[0]), guesses("council", "vcs", clip[1]))
    p = r.perceptions["council"]
    assert is_misread(p, plan.scale) == (abs(p.error) >= plan.scale.range / 4 - 1e-9)
    mirrored = Perception("council", "vcs", p.n, 0, 2 * p.actual - p.mean, p.actual)  # as far off the other way
    assert is_misread(mirrored, plan.scale) == is_misread(p, plan.scale)


# --- the store and the running session ------------------------------------------------------

@pytest.fixture
def live(store):
    plan = parse_plan(PLAN)
    session = LiveSession(store, store.start_session(plan, PLAN))
    session.start()
    return session


def test_predictions_are_kept_apart_from_ballots(live):
    live.set_cards("council", 4, 3)
    live.set_cards("vcs", 2, 3)
    live.set_prediction_cards("council", 4, 3)  # the council expects the VCS to say 4
    live.set_prediction_cards("vcs", 1, 2)
    assert live.counts() == {"council": 3, "vcs": 3}  # ballots in: predictions are not ballots
    assert live.prediction_counts() == {"council": 3, "vcs": 2}
    store = live.store
    assert sorted((b.group, b.score) for b in store.ballots(live.id)) == [("council", 4)] * 3 + [("vcs", 2)] * 3
    assert store.prediction_tallies(live.id) == {(PID, "council", "vcs"): {4: 3}, (PID, "vcs", "council"): {1: 2}}
    assert store.conn.execute("SELECT ballots FROM session_counts").fetchone() == (6,)
    live.reveal()
    r = live.result()
    assert (r.groups["council"].mean, r.groups["vcs"].mean) == (4, 2)
    assert r.perceptions["council"].mean == 4 and r.perceptions["council"].actual == 2
    assert r.perceptions["vcs"].suppressed  # two predictions, min_group_size 3
    assert MISREAD in r.flags
    with pytest.raises(BallotError, match="closed"):  # revealed: no more predictions, as no more ballots
        live.set_prediction_cards("council", 4, 1)
    assert live.prediction_counts()["council"] == 3


def test_a_prediction_is_refused_where_the_round_does_not_allow_it(store, live):
    with pytest.raises(BallotError, match="not its own"):
        store.record_prediction(live.id, PID, "council", "council", 3)
    with pytest.raises(BallotError, match="off the scale"):
        store.record_prediction(live.id, PID, "council", "vcs", 6)
    with pytest.raises(sqlite3.IntegrityError, match="off the scale"):
        store.conn.execute("INSERT INTO predictions VALUES (?, ?, 'x', 'council', 'vcs', 9, 0, 'cards', NULL)",
                           [live.id, PID])
    plain = LiveSession(store, store.start_session(plan_on(perception=False)))
    plain.start()
    with pytest.raises(BallotError, match="no perception round"):
        plain.set_prediction_cards("council", 3, 1)
    assert store.conn.execute("SELECT COUNT(*) FROM predictions").fetchone() == (0,)


def test_roster_seats_predict_after_rating_and_a_third_side_is_not_asked(store):
    text = PLAN.replace("groups: [council, vcs]", "groups: [council, vcs, health]") + """
modes: [roster]
roster:
  - {name: A. Patel, group: council}
  - {name: S. Okafor, group: vcs}
  - {name: H. Ward, group: health}
"""
    plan = parse_plan(text)
    live = LiveSession(store, dataclasses.replace(store.start_session(plan, text), plan=plan))
    live.start()
    assert live.vote(0, 4) and live.predict(0, 2) and live.predict(1, None)
    with pytest.raises(BallotError, match="only the two compared sides"):
        live.predict(2, 3)
    assert live.predicted_seats() == {0, 1}
    assert {(p.group, p.about, p.score) for p in store.predictions(live.id)} == {("council", "vcs", 2),
                                                                               ("vcs", "council", None)}
    ballot_ids = {b.participant for b in store.ballots(live.id)}
    assert not ballot_ids & {p.participant for p in store.predictions(live.id)}  # never the ballot's id


def test_a_prediction_waits_for_another_programs_lock_and_is_never_counted_early(live):
    from test_web_attack import HeldLock

    with HeldLock(live.store.path):
        live.store.conn.execute("PRAGMA busy_timeout = 10")
        assert live.set_prediction_cards("council", 3, 4) is False
        assert live.waiting() == "1 other change waiting"
    assert live.retry_pending() == 1
    assert live.prediction_counts()["council"] == 4


def test_delete_and_merge_carry_predictions(tmp_path, live):
    live.set_prediction_cards("council", 3, 3)
    other = tmp_path / "other.db"
    with Store(other) as there:
        from workshop.store.merge import merge

        report = merge(there, live.store.path)
        assert report.added == [live.id]
        assert there.prediction_tallies(live.id) == {(PID, "council", "vcs"): {3: 3}}
        assert merge(there, live.store.path).unchanged == [live.id]  # the same content: merged once
    live.store.delete_session(live.id)
    assert live.store.conn.execute("SELECT COUNT(*) FROM predictions").fetchone() == (0,)


def test_an_old_database_without_the_table_still_reads(tmp_path, runner, demo_plan):
    """m009 is not needed to read: only a session with the round reads the table, and only a file
    with m009 can hold one."""
    path = tmp_path / "old.db"
    with Store(path) as store:
        sid = store.start_session(demo_plan).id
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE predictions; DELETE FROM _sqlite_migrations WHERE name = 'm009_predictions';"
                       f"PRAGMA user_version = {SCHEMA_VERSION - 1};")
    conn.close()
    result = runner.invoke(cli, ["--db", str(path), "show", sid, "--json"])
    assert result.exit_code == 0, result.output
    assert "perceptions" not in result.output
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION - 1,)  # wrote nothing


# --- show --json and the reports ------------------------------------------------------------

@pytest.fixture
def imported(tmp_path, runner):
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(PLAN, encoding="utf-8")
    db = tmp_path / "w.db"
    result = runner.invoke(cli, ["--db", str(db), "import", str(plan_path), str(DATA / "votes" / "perception.csv")])
    assert result.exit_code == 0, result.output
    return db, result.stdout.strip().splitlines()[-1]


def test_import_counts_ballots_and_predictions_apart(imported, runner):
    db, sid = imported
    with Store(db) as store:
        assert len(store.ballots(sid)) == 7
        assert store.prediction_tallies(sid) == {(PID, "council", "vcs"): {4: 2, 5: 1, None: 1},
                                                 (PID, "vcs", "council"): {2: 3}}
        assert store.conn.execute("SELECT COUNT(*) FROM predictions WHERE cast_at IS NOT NULL").fetchone() == (0,)


def test_show_json_gives_each_principle_its_perceptions(imported, runner):
    db, sid = imported
    data = json.loads(runner.invoke(cli, ["--db", str(db), "show", sid, "--json"]).stdout)
    first, second = data["principles"]
    assert first["perceptions"] == {
        "council": {"about": "vcs", "n": 3, "dont_know": 1, "mean": 4.333, "actual": 1.667, "error": 2.667,
                    "suppressed": False},
        "vcs": {"about": "council", "n": 3, "dont_know": 0, "mean": 2.0, "actual": 4.5, "error": -2.5,
                "suppressed": False},
    }
    assert "misread" in first["flags"]
    assert second["perceptions"]["council"] == {"about": "vcs", "n": 0, "dont_know": 0, "mean": None,
                                                "actual": None, "error": None, "suppressed": False}
    assert data["session"]["perception"] is True


def test_the_published_copy_gives_the_perceptions_show_gives(imported, runner, tmp_path):
    db, sid = imported
    data = json.loads(runner.invoke(cli, ["--db", str(db), "show", sid, "--json"]).stdout)
    copy = tmp_path / "board.db"
    result = runner.invoke(cli, ["--db", str(db), "publish", sid, "-o", str(copy)])
    assert result.exit_code == 0, result.output
    rows = sqlite3.connect(copy).execute(
        "SELECT principle_id, group_id, about, predictions, dont_know, predicted, actual, error, too_few, shown "
        "FROM perceptions").fetchall()
    expected = {(p["id"], g, x["about"], x["n"], x["dont_know"], x["mean"], x["actual"], x["error"], int(x["suppressed"]))
                for p in data["principles"] for g, x in p["perceptions"].items()}
    assert {row[:-1] for row in rows} == expected
    words = {(row[0], row[1]): row[-1] for row in rows}
    assert words[(PID, "council")] == "Council expected VCS to rate this 4.3; VCS rated it 1.7"


def test_show_json_without_the_round_is_as_it_was(runner, tmp_path, demo):
    db = tmp_path / "w.db"
    plan_path = tmp_path / "demo.yaml"
    plan_path.write_text(demo[1], encoding="utf-8")
    sid = runner.invoke(cli, ["--db", str(db), "import", str(plan_path),
                              str(DATA / "votes" / "demo-votes.csv")]).stdout.strip()
    data = json.loads(runner.invoke(cli, ["--db", str(db), "show", sid, "--json"]).stdout)
    assert "perception" not in data["session"]
    assert all("perceptions" not in p and "misread" not in p["flags"] for p in data["principles"])


def test_reports_say_it_in_words(imported, runner, tmp_path):
    db, sid = imported
    said = "Council expected VCS to rate this 4.3; VCS rated it 1.7 (misread)"
    for name in ("r.md", "r.html"):
        assert runner.invoke(cli, ["--db", str(db), "export", sid, "-o", str(tmp_path / name)]).exit_code == 0
        text = html.unescape((tmp_path / name).read_text(encoding="utf-8"))
        assert "How each side saw the other" in text and said in text
        assert "VCS expected Council to rate this 2.0; Council rated it 4.5 (misread)" in text
    assert runner.invoke(cli, ["--db", str(db), "export", sid, "-o", str(tmp_path / "r.xlsx")]).exit_code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Perception"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:10] == [1, PID, "Council", "VCS", 4.3, 3, 1, 1.7, 2.6, "misread"]
    assert rows[1][10] == said.removesuffix(" (misread)")
    assert runner.invoke(cli, ["--db", str(db), "export", sid, "-o", str(tmp_path / "csv")]).exit_code == 0
    lines = (tmp_path / "csv" / "perceptions.csv").read_text().splitlines()
    assert lines[0] == "number,principle,group,about,n,dont_know,mean,actual,error,misread,suppressed"
    assert lines[1] == f"1,{PID},council,vcs,3,1,4.333,1.667,2.667,1,0"
    text = runner.invoke(cli, ["--db", str(db), "show", sid]).stdout
    assert "Council expected VCS to rate this 4.3; VCS rated it 1.7" in " ".join(text.split())


def test_suppressed_predictions_reach_no_report(runner, tmp_path):
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(PLAN, encoding="utf-8")
    votes = tmp_path / "votes.csv"
    votes.write_text("participant,group,principle,score,question\n"
                     + "".join(f",vcs,{PID},2,\n" for _ in range(3))
                     + f",council,{PID},5,predict:vcs\n,council,{PID},5,predict:vcs\n", encoding="utf-8")
    db = tmp_path / "w.db"
    sid = runner.invoke(cli, ["--db", str(db), "import", str(plan_path), str(votes)]).stdout.strip()
    data = json.loads(runner.invoke(cli, ["--db", str(db), "show", sid, "--json"]).stdout)
    assert data["principles"][0]["perceptions"]["council"]["mean"] is None
    for name in ("r.md", "r.html"):
        runner.invoke(cli, ["--db", str(db), "export", sid, "-o", str(tmp_path / name)])
        text = html.unescape((tmp_path / name).read_text(encoding="utf-8"))
        assert "Council's predictions of VCS: too few to show" in text and "to rate this 5.0" not in text
    copy = tmp_path / "board.db"
    assert runner.invoke(cli, ["--db", str(db), "publish", sid, "-o", str(copy)]).exit_code == 0
    assert sqlite3.connect(copy).execute(
        "SELECT shown, predictions, dont_know, predicted, error, too_few FROM perceptions "
        "WHERE group_id = 'council' AND principle_id = ?", [PID]).fetchone() == ("Council's predictions of VCS: too few to show",
                                                     None, None, None, None, 1)


# --- VOTES.csv's question column ------------------------------------------------------------

BAD_QUESTIONS = {
    "question-unknown-group.csv": (3, "question 'predict:police' names an unknown group 'police'"),
    "question-predicts-own-group.csv": (2, "'council' cannot predict its own rating; a side predicts how the "
                                           "other rates: predict:vcs"),
    "question-unknown.csv": (2, "unknown question 'guess'; use rating, predict:<group> for how that group "
                                "will rate the principle, or dots for a priorities row"),
    # This plan has no priorities round (tests/test_priorities.py imports dots into one that has).
    "question-dots.csv": (2, "a priorities row, but this plan has no priorities round; add "
                             "'priorities: {dots: 3}' to the plan, or take the dots rows out"),
    "question-twice.csv": (1, "the column 'question' appears twice (columns 5 and 6); keep one of them"),
}


@pytest.mark.parametrize("name", sorted(BAD_QUESTIONS))
def test_bad_question_values_import_nothing(runner, tmp_path, name):
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(PLAN, encoding="utf-8")
    db = tmp_path / "w.db"
    path = DATA / "bad_votes" / name
    result = runner.invoke(cli, ["--db", str(db), "import", str(plan_path), str(path)])
    line, message = BAD_QUESTIONS[name]
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"{path}:{line}: {message}"]
    assert not db.exists() or Store(db).sessions() == []


def test_a_prediction_in_a_plan_without_the_round_is_refused(runner, tmp_path):
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(PLAN.replace("perception: true\n", ""), encoding="utf-8")
    path = DATA / "votes" / "perception.csv"
    result = runner.invoke(cli, ["--db", str(tmp_path / "w.db"), "import", str(plan_path), str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (f"{path}:9: a prediction, but this plan has no perception round; "
                                            "add 'perception: true' to the plan, or take the prediction rows out")
    assert not (tmp_path / "w.db").exists()


def test_a_third_side_cannot_predict_and_a_person_predicts_once():
    plan = parse_plan(PLAN.replace("groups: [council, vcs]", "groups: [council, vcs, health]"))
    text = ("participant,group,principle,score,question\n"
            f"H. Ward,health,{PID},3,predict:council\n"
            f"A. Patel,council,{PID},3,predict:health\n"
            f"A. Patel,council,{PID},4,predict:vcs\n"
            f"A. Patel,council,{PID},5,predict:vcs\n"
            f"A. Patel,council,{PID},5,Rating\n")
    with pytest.raises(InputError) as info:
        parse_votes(text, plan)
    assert [(p.line, p.message) for p in info.value.problems] == [
        (2, "only council and vcs predict each other's rating; 'health' cannot predict 'council'"),
        (3, "only council and vcs predict each other's rating; 'council' cannot predict 'health'"),
        (5, f"'A. Patel' already has a prediction on '{PID}' (line 4); keep one of the two"),
    ]


def test_without_a_question_column_every_row_is_a_rating():
    rows = parse_votes(f"participant,group,principle,score\n,vcs,{PID},3\n", parse_plan(PLAN))
    assert rows == [Ballot(PID, "vcs", 3, None, "import")]


def test_the_scale_of_a_prediction_is_the_plans():
    with pytest.raises(InputError) as info:
        parse_votes(f"participant,group,principle,score,question\n,vcs,{PID},7,predict:council\n", parse_plan(PLAN))
    assert [p.message for p in info.value.problems] == ["score 7 is off the scale; use 1 to 5 or dk (don't know)"]


def test_datasette_keeps_the_raw_predictions_closed():
    """A group of two's predictions are as revealing as its ballots: closed unless written with --raw."""
    from workshop.datasette_metadata import metadata

    assert metadata("x")["databases"]["x"]["tables"]["predictions"]["allow"] is False
    assert "allow" not in metadata("x", raw=True)["databases"]["x"]["tables"]["predictions"]
