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
