"""Yes/no facts about the area: recorded in a plan, never rated; shown in the summary, the session and the reports."""

from __future__ import annotations

import json

import openpyxl
import pytest
from conftest import DATA, REPO
from click.testing import CliRunner

from workshop.cli import cli
from workshop.inputs.catalogue import default_catalogue
from workshop.inputs.plan import parse_plan, summary
from workshop.inputs.problems import InputError

HEAD = "title: T\ndate: 2026-12-03\n"
COMPACT = "local-compact-is-a-means-to-an-end"
COMPACT_QUESTION = "Is there a local compact, a written agreement on how the council and the VCS work together?"


def plan_with(facts: str, ids: str = "[council-sustains-grant-programmes]"):
    return parse_plan(HEAD + f"principles: {{ids: {ids}}}\n" + facts, "plan.yaml")


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(InputError) as info:
        parse_plan(HEAD + text, "plan.yaml")
    return [(p.line, p.message) for p in info.value.problems]


def test_the_catalogue_offers_facts_with_sources_from_the_texts():
    cat = default_catalogue()
    ids = [f.id for f in cat.facts]
    assert {"local-compact", "capital-challenge-fund", "community-asset-transfer-policy"} <= set(ids)
    assert all(f.question.endswith("?") and f.sources for f in cat.facts)
    # Every statement that takes a fact for granted names one the catalogue declares.
    assert {p.needs_fact for p in cat.principles if p.needs_fact} <= set(ids)
    assert cat.get(COMPACT).needs_fact == "local-compact"


def test_a_plan_records_answers_in_its_own_order():
    plan = plan_with("facts:\n  capital-challenge-fund: no\n  local-compact: yes\n  staff-volunteering-policy: not checked\n"
                     "  council-funds-a-cvs: {question: Does the council fund a CVS?, answer: yes}\n")
    assert [(f.id, f.answer) for f in plan.facts] == [
        ("capital-challenge-fund", False), ("local-compact", True), ("staff-volunteering-policy", None),
        ("council-funds-a-cvs", True)]
    assert plan.facts[1].question == COMPACT_QUESTION and plan.facts[1].sources
    assert plan.facts[3].question == "Does the council fund a CVS?"
    assert summary(plan).endswith("4 facts (1 not checked)")


def test_a_principle_that_takes_a_fact_for_granted_brings_the_question_to_the_lobby():
    plan = plan_with("", ids=f"[{COMPACT}]")
    assert [(f.id, f.answer) for f in plan.facts] == [("local-compact", None)]
    # Answered in the plan: the answer stands, and the fact is not listed twice.
    plan = plan_with("facts: {local-compact: yes}\n", ids=f"[{COMPACT}]")
    assert [(f.id, f.answer) for f in plan.facts] == [("local-compact", True)]


def test_the_round_trip_through_a_stored_session_keeps_the_facts():
    from workshop.model import Plan
    plan = plan_with("facts:\n  local-compact: yes\n  mine: {question: Is there a forum?}\n")
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.facts == plan.facts


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(f"principles: {{ids: [{COMPACT}]}}\nfacts:\n  local-compact: no\n",
                 [(5, f"the plan answers no to 'local-compact' ({COMPACT_QUESTION}), so principle '{COMPACT}' cannot "
                      f"be rated here; leave it out of 'principles' (remove its id, or add it under exclude:)")], id="answered-no"),
    pytest.param("facts:\n  local-compactt: yes\n",
                 [(4, "unknown fact 'local-compactt' (did you mean 'local-compact'?), or give a local one as "
                      "{question: ..., answer: yes}")], id="unknown-fact"),
    pytest.param("facts:\n  our-forum: yes\n",
                 [(4, "unknown fact 'our-forum'; 'workshop principles --facts' lists the catalogue's facts, or give a "
                      "local one as {question: ..., answer: yes}")], id="unknown-fact-far"),
    pytest.param("facts:\n  local-compact: maybe\n",
                 [(4, "fact 'local-compact' must be answered yes, no or not checked, not 'maybe'")], id="bad-answer"),
    pytest.param("facts:\n  local-compact: [yes]\n",
                 [(4, "fact 'local-compact' must be answered yes, no or not checked, not a list or mapping")],
                 id="answer-a-list"),
    pytest.param("facts:\n  our-forum: {answer: yes}\n",
                 [(4, "local fact 'our-forum' needs a 'question' (and an 'answer': yes, no or not checked)")],
                 id="local-without-question"),
    pytest.param("facts:\n  our-forum: {question: Is there a forum?, anwser: yes}\n",
                 [(4, "unknown key 'anwser' in fact 'our-forum' (did you mean 'answer'?)")], id="local-misspelt-key"),
    pytest.param("facts:\n  local-compact: {question: Is there one?, answer: yes}\n",
                 [(4, f"fact 'local-compact' is the catalogue's ({COMPACT_QUESTION}); give just its answer: "
                      "local-compact: yes")], id="catalogue-fact-as-local"),
    pytest.param("facts:\n  Our Forum: {question: Is there a forum?}\n",
                 [(4, "fact id 'Our Forum' must be lowercase letters, digits and hyphens (like 'council-funds-a-cvs')")],
                 id="local-id-not-a-slug"),
    pytest.param("facts: [local-compact]\n",
                 [(3, "facts must be a mapping of keys to values, not a list")], id="facts-a-list"),
    pytest.param("principles: {ids: [council-runs-capital-challenge-fund]}\n",
                 [(3, "principle 'council-runs-capital-challenge-fund' is now a yes/no fact, not a rating: record it "
                      "under facts: as 'capital-challenge-fund: yes' (or no)")], id="retired-into-a-fact"),
])
def test_bad_facts_name_their_line(text, expected):
    assert problems(text) == expected


def test_validate_exits_2_on_bad_facts(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + "facts:\n  local-compact: maybe\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(plan)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{plan}:4: fact 'local-compact' must be answered yes, no or not checked, not 'maybe'"


# --- through the real command line, store and exporters ---------------------------------------

@pytest.fixture
def session(tmp_path, db_path):
    """The demo plan (which records two facts) with its paper ballots, imported by the real CLI."""
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(REPO / "sessions" / "demo.yaml"),
                                      str(DATA / "votes" / "demo-votes.csv")])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def run(db_path, *args):
    result = CliRunner().invoke(cli, ["--db", str(db_path), *map(str, args)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_and_its_json_carry_the_facts(db_path, session):
    data = json.loads(run(db_path, "show", session, "--json"))
    assert data["facts"] == [
        {"id": "local-compact", "question": COMPACT_QUESTION, "answer": True},
        {"id": "capital-challenge-fund", "question": default_catalogue().fact("capital-challenge-fund").question,
         "answer": False}]
    text = " ".join(run(db_path, "show", session).split())
    assert f"Facts: {COMPACT_QUESTION} Yes;" in text


def test_reports_show_the_facts_and_who_can_answer(db_path, session, tmp_path):
    run(db_path, "export", session, "-o", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "## Facts about the area" in md and f"- {COMPACT_QUESTION} **Yes**" in md
    run(db_path, "export", session, "-o", tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h2>Facts about the area</h2>" in html and "<dd>No</dd>" in html
    run(db_path, "export", session, "-o", tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Session"]
    facts = next(row[1].value for row in sheet.iter_rows() if row[0].value == "Facts")
    assert facts.splitlines()[0] == f"{COMPACT_QUESTION} Yes"


def test_a_principle_only_one_side_can_judge_says_so_in_every_report(tmp_path, db_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + "principles: {ids: [council-sustains-grant-programmes, vcs-considers-mergers-honestly]}\n",
                    encoding="utf-8")
    votes = tmp_path / "votes.csv"
    votes.write_text("participant,group,principle,score\n" + "".join(
        f",{g},vcs-considers-mergers-honestly,{s}\n" for g in ("council", "vcs") for s in (2, 3, 4)), encoding="utf-8")
    sid = run(db_path, "import", plan, votes).strip()
    data = json.loads(run(db_path, "show", sid, "--json"))
    who = {p["id"]: p["who_can_answer"] for p in data["principles"]}
    assert who == {"council-sustains-grant-programmes": None, "vcs-considers-mergers-honestly": "vcs"}
    run(db_path, "export", sid, "-o", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Theme: Capacity and infrastructure · about the VCS · for VCS to answer" in md
    run(db_path, "export", sid, "-o", tmp_path / "r.html")
    assert "about the VCS · for VCS to answer" in (tmp_path / "r.html").read_text(encoding="utf-8")
    run(db_path, "export", sid, "-o", tmp_path / "r.xlsx")
    summary_sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"]
    rows = {row[1].value: row[-1].value for row in summary_sheet.iter_rows(min_row=2) if row[1].value}
    assert rows["vcs-considers-mergers-honestly"] == "for VCS to answer"


def test_principles_lists_the_facts():
    result = CliRunner().invoke(cli, ["principles", "--facts"])
    assert result.exit_code == 0
    assert f"local-compact\n  {COMPACT_QUESTION}\n  needed by: {COMPACT}\n" in result.stdout
    listed = json.loads(CliRunner().invoke(cli, ["principles", "--json"]).stdout)["facts"]
    assert [f["id"] for f in listed] == [f.id for f in default_catalogue().facts]
    assert all("answer" not in f for f in listed)


async def test_the_lobby_shows_the_facts_and_asks_the_room_about_unchecked_ones(db_path, tmp_path):
    from conftest import make_app, screen_text, wait_for
    from workshop.inputs.plan import load_plan
    from workshop.tui.screens.lobby import LobbyScreen

    path = tmp_path / "plan.yaml"
    path.write_text(HEAD + f"principles: {{ids: [council-sustains-grant-programmes, {COMPACT}]}}\n"
                    "facts:\n  capital-challenge-fund: no\n", encoding="utf-8")
    app = make_app(db_path, plan=load_plan(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        text = " ".join(screen_text(app).split())
        question = default_catalogue().fact("capital-challenge-fund").question
        assert f"The area {question} No" in text
        assert f"{COMPACT_QUESTION} Not checked: ask the room" in text


async def test_the_vote_screen_says_who_can_answer(db_path, tmp_path):
    from conftest import make_app, screen_text, wait_for
    from workshop.inputs.plan import load_plan
    from workshop.tui.screens.vote import VoteScreen

    path = tmp_path / "plan.yaml"
    path.write_text(HEAD + "principles: {ids: [vcs-considers-mergers-honestly, council-sustains-grant-programmes]}\n",
                    encoding="utf-8")
    app = make_app(db_path, plan=load_plan(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VoteScreen))
        assert "about the VCS  ·  for VCS to answer" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: "2 of 2" in screen_text(app))
        assert "to answer" not in screen_text(app)
