"""The deliberation rounds in the reports and data, read as their readers read them: each perception
sentence said once, approved comments in the CSV folder, and suppressed perceptions in show --json."""

from __future__ import annotations

import csv
import html
import json
import re

import pytest
from conftest import DATA

from workshop.cli import cli

PID = "council-sustains-grant-programmes"
OTHER = "council-is-frank-with-vcs"
PLAN = """
title: Perception check
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 3
perception: true
comments: true
scale: {{min: 1, max: 5}}
principles: {{ids: [{ids}]}}
"""
SAID = ("Council expected VCS to rate this 4.3; VCS rated it 1.7 (misread)",
        "VCS expected Council to rate this 2.0; Council rated it 4.5 (misread)")


def imported(runner, tmp_path, ids, votes_text):
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.format(ids=", ".join(ids)), encoding="utf-8")
    votes = tmp_path / "votes.csv"
    votes.write_text(votes_text, encoding="utf-8")
    db = tmp_path / "w.db"
    result = runner.invoke(cli, ["--db", str(db), "import", str(plan), str(votes)])
    assert result.exit_code == 0, result.output
    return db, result.stdout.strip()


def perception_votes(keep_other: bool) -> str:
    lines = (DATA / "votes" / "perception.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if keep_other or OTHER not in line)


def exported(runner, db, sid, path) -> str:
    assert runner.invoke(cli, ["--db", str(db), "export", sid, "-o", str(path)]).exit_code == 0
    return html.unescape(path.read_text(encoding="utf-8"))


# --- item: the perception section says each thing once ------------------------------------------

def test_markdown_says_each_perception_once_when_every_principle_is_misread(runner, tmp_path):
    db, sid = imported(runner, tmp_path, [PID], perception_votes(keep_other=False))
    text = exported(runner, db, sid, tmp_path / "r.md")
    section = text.split("## How each side saw the other", 1)[1].split("\n## ", 1)[0]
    for said in SAID:
        assert text.count(said) == 1, said
        assert said in section
    assert "### Misread" in section and "### The other principles" not in section
    assert text.count("Every principle") == 1  # only the results table's heading


def test_markdown_lists_the_other_principles_after_the_misread_ones(runner, tmp_path):
    db, sid = imported(runner, tmp_path, [PID, OTHER], perception_votes(keep_other=True))
    text = exported(runner, db, sid, tmp_path / "r.md")
    section = text.split("## How each side saw the other", 1)[1].split("\n## ", 1)[0]
    misread, others = section.split("### The other principles")
    assert all(said in misread and said not in others for said in SAID)
    assert "- **2.** No predictions from Council of how VCS" in others and "**1.**" not in others


def test_html_summary_names_who_misread_whom_and_the_figures_live_in_the_principle(runner, tmp_path):
    db, sid = imported(runner, tmp_path, [PID], perception_votes(keep_other=False))
    text = exported(runner, db, sid, tmp_path / "r.html")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    for said in SAID:
        assert words.count(said) == 1, said
    summary = words.split("How each side saw the other", 1)[1].split("Notes", 1)[0]
    assert "— Council misread VCS. VCS misread Council." in summary and "expected" not in summary


# --- item: comments.csv in the CSV folder and zip -----------------------------------------------

FORMULA = "=HYPERLINK(\"http://example.invalid\")"


@pytest.fixture
def commented(store, demo_plan):
    import dataclasses

    from workshop.inputs.ballots_csv import read_votes
    from workshop.session.records import load_record

    plan = dataclasses.replace(demo_plan, comments=True)
    session = store.import_ballots(plan, "", read_votes(DATA / "votes" / "demo-votes.csv", plan))
    challenge, pressures = plan.principles[0].id, plan.principles[3].id  # 4: two council scores, too few
    for principle, group, text, status in ((challenge, "vcs", "Challenge is read as disloyalty", "approved"),
                                           (challenge, "council", FORMULA, "approved"),
                                           (challenge, "council", "Also fine", "approved"),
                                           (pressures, "council", "Only two of us answered", "approved"),
                                           (challenge, "vcs", "Never read", "pending"),
                                           (challenge, "council", "Never shown", "hidden")):
        store.set_comment_status(store.add_comment(session.id, principle, group, text), status)
    return load_record(store, session.id)


@pytest.mark.parametrize("name", ["csv", "data.zip"])
def test_the_csv_export_has_the_approved_comments(commented, tmp_path, name):
    import zipfile

    from workshop.export import export

    out = export(commented, "csv", tmp_path / name)
    raw = zipfile.ZipFile(out).read("comments.csv").decode("utf-8") if name.endswith(".zip") \
        else (out / "comments.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(raw.splitlines()))
    challenge, pressures = commented.plan.principles[0].id, commented.plan.principles[3].id
    assert rows == [["number", "principle", "group", "comment", "suppressed"],
                    ["1", challenge, "council", "'" + FORMULA, "0"],  # a formula is never run
                    ["1", challenge, "council", "Also fine", "0"],
                    ["1", challenge, "vcs", "Challenge is read as disloyalty", "0"],
                    ["4", pressures, "council", "", "1"]]
    assert "Only two of us" not in raw and "Never" not in raw


def test_no_comments_file_without_the_comments_round(store, demo_plan, tmp_path):
    from workshop.export import export
    from workshop.inputs.ballots_csv import read_votes
    from workshop.session.records import load_record

    session = store.import_ballots(demo_plan, "", read_votes(DATA / "votes" / "demo-votes.csv", demo_plan))
    out = export(load_record(store, session.id), "csv", tmp_path / "csv")
    assert not (out / "comments.csv").exists() and (out / "notes.csv").exists()


# --- item: a suppressed perception in show --json -----------------------------------------------

def test_a_suppressed_perception_reads_like_a_suppressed_rating_in_show_json(runner, tmp_path):
    """Counts are what the room saw before the reveal ("Council 2 of 12"), so show --json keeps a
    suppressed group's n as it does for a rating; every number that could give its answer away is null."""
    votes = ("participant,group,principle,score,question\n" + f",vcs,{PID},2,\n" * 3
             + f",council,{PID},5,\n,council,{PID},4,\n"
             + f",council,{PID},5,predict:vcs\n,council,{PID},4,predict:vcs\n,council,{PID},dk,predict:vcs\n")
    db, sid = imported(runner, tmp_path, [PID], votes)
    data = json.loads(runner.invoke(cli, ["--db", str(db), "show", sid, "--json"]).stdout)["principles"][0]
    rating, seen = data["groups"]["council"], data["perceptions"]["council"]
    assert rating["suppressed"] and rating["n"] == 2 and rating["mean"] is None and rating["counts"] == {}
    assert seen == {"about": "vcs", "n": 2, "dont_know": 1, "mean": None, "actual": 2.0, "error": None,
                    "suppressed": True}
    assert data["perceptions"]["vcs"]["actual"] is None  # the council's own rating is too few to show
