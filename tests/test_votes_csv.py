"""VOTES.csv read at the function the CLI calls: the file-level problems, the byte-order mark a
spreadsheet writes, and each row message exactly as the facilitator reads it (found unasserted by
mutation testing)."""

from __future__ import annotations

import pytest

from workshop.inputs.ballots_csv import parse_votes, read_votes
from workshop.inputs.plan import parse_plan
from workshop.inputs.problems import InputError
from workshop.model import Ballot

PID = "council-sustains-grant-programmes"
PLAN = f"""
title: Votes check
date: 2026-12-03
groups: [council, vcs, health]
perception: true
scale: {{min: 1, max: 5, dont_know: false}}
principles: {{ids: [{PID}]}}
"""
HEADER = "participant,group,principle,score,question\n"


def problems(rows: str, plan_text: str = PLAN) -> list[tuple[int | None, str]]:
    with pytest.raises(InputError) as info:
        parse_votes(HEADER + rows, parse_plan(plan_text), "votes.csv")
    assert {p.path for p in info.value.problems} == {"votes.csv"}
    return [(p.line, p.message) for p in info.value.problems]


@pytest.mark.parametrize("row, message", [
    (f",vcs,{PID},dk,", "this plan's scale has no 'don't know'; give a score from 1 to 5"),
    (f",vcs,{PID},{'x' * 30},", f"score '{'x' * 19}…' is not a number; use 1 to 5"),
    (f",vcs,{PID},{'4.5' * 10},", f"score '{('4.5' * 10)[:19]}…' is not a whole number on the scale; write it in "
                                  "plain digits 0-9: use 1 to 5"),
    (f",vcs,{PID},{'3.' + '5' * 30},", f"score '3.{'5' * 17}…' must be a whole number from 1 to 5"),
    (f",vcs,{PID},3,{'guess' * 10}", f"unknown question '{('guess' * 10)[:29]}…'; use rating, predict:<group> for "
                                     "how that group will rate the principle, or dots for a priorities row"),
    (f",vcs,{PID},3,predict:{'p' * 40}", f"question '{('predict:' + 'p' * 40)[:29]}…' names an unknown group "
                                         f"'{'p' * 19}…'"),
    # Only the first colon separates: 'predict:council:x' names the group 'council:x'.
    (f",vcs,{PID},3,predict:council:x", "question 'predict:council:x' names an unknown group 'council:x' "
                                        "(did you mean 'council'?)"),
    # A side outside the compared pair predicts nothing, itself included.
    (f",health,{PID},3,predict:health", "only council and vcs predict each other's rating; 'health' cannot "
                                        "predict 'health'"),
    (f",vcs,{PID},3,predict:vcs", "'vcs' cannot predict its own rating; a side predicts how the other rates: "
                                  "predict:council"),
])
def test_each_bad_row_is_reported_with_its_line_and_what_to_write(row, message):
    assert problems(row + "\n") == [(2, message)]


def test_leading_zeros_are_the_number_and_more_digits_than_a_scale_has_are_off_it():
    plan = parse_plan(PLAN)
    rows = parse_votes(HEADER + f",vcs,{PID},0003,\nx,vcs,{PID},{'0' * 19}4,\n", plan)
    assert rows == [Ballot(PID, "vcs", 3, None, "import"), Ballot(PID, "vcs", 4, "x", "import")]
    assert problems(f",vcs,{PID},{'9' * 20},\n") == [(2, f"score {'9' * 20} is off the scale; use 1 to 5")]


def test_a_spreadsheets_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    votes = tmp_path / "votes.csv"
    votes.write_bytes(("\ufeff" + HEADER + f"A. Patel,vcs,{PID},4,\n").encode("utf-8"))
    assert read_votes(votes, parse_plan(PLAN)) == [Ballot(PID, "vcs", 4, "A. Patel", "import")]


@pytest.mark.parametrize("make, message", [
    (lambda folder: folder / "missing.csv", "no such file; check the path to the votes CSV"),
    (lambda folder: folder, "cannot read this file (Is a directory)"),
    (lambda folder: (folder / "latin1.csv", (folder / "latin1.csv").write_bytes(b"caf\xe9\n"))[0],
     "not UTF-8 text; save the CSV as UTF-8 and try again"),
])
def test_a_file_that_cannot_be_read_is_named_with_the_reason(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(InputError) as info:
        read_votes(path, parse_plan(PLAN))
    assert [(p.path, p.line, p.message) for p in info.value.problems] == [(str(path), None, message)]
