"""Plan files: every kind of bad plan gets its exact message and line; good plans parse as written."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop.inputs.catalogue import default_catalogue
from workshop.cli import cli
from workshop.model import Group, Scale, Seat
from workshop.inputs.plan import load_plan, parse_duration, parse_plan
from workshop.inputs.problems import InputError

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BAD = HERE / "data" / "bad_plans"
GOOD = HERE / "data" / "good_plans"

PLAN_KEYS = ("title, date, place, locality, facilitator, groups, anonymous, min_group_size, scale, principles, "
             "extra_principles, facts, roster, modes, time_box, time_boxes, comments, perception, priorities, facilitator_notes")
THEMES = ("independence-and-voice, involvement-in-decisions, funding-and-grants, commissioning-and-procurement, "
          "capacity-and-infrastructure, communities-and-co-production, collaboration-and-culture, "
          "accountability-and-delivery")

# file -> [(line, text the line must contain, message)]; line None for problems with no line.
# The middle column proves the line number points at the offending line, not just near it.
BAD_PLANS: dict[str, list[tuple[int | None, str, str]]] = {
    "syntax-bad-indent.yaml": [
        (6, "   max: 5", "YAML syntax error: unexpected ':' on this line; check its indentation, "
                         "and put quotes round text that contains ': '"),
    ],
    "syntax-unclosed-bracket.yaml": [
        (3, "groups: [council, vcs", "YAML syntax error: the list opened with '[' on this line is not closed; "
                                     "add the missing ']'"),
    ],
    "syntax-unclosed-quote.yaml": [
        (1, "title: 'Eastbury check", "YAML syntax error: the quote opened on this line is not closed; "
                                      "add the closing quote"),
    ],
    "syntax-unclosed-brace.yaml": [
        (2, "scale: {min: 1, max: 5", "YAML syntax error: the '{' on this line is not closed; add the missing '}'"),
    ],
    "syntax-tab.yaml": [
        (2, "\tdate: 2026-01-01", "YAML syntax error: a tab character in the indentation; indent with spaces only"),
    ],
    "two-documents.yaml": [
        (2, "---", "YAML syntax error: this file must be one YAML document, but a '---' line starts another; "
                   "remove it"),
    ],
    "wrong-kinds.yaml": [  # each kind of value a key can wrongly be given, named as the facilitator wrote it
        (1, "title: {name: Eastbury Check}", "title must be text, not a mapping"),
        (3, "place: [Town Hall, Room 2]", "place must be text, not a list"),
        (4, "locality: ~", "locality must be text, not empty"),
        (6, "anonymous: 3", "anonymous must be true or false, not the number 3"),
        (7, "min_group_size: yes", "min_group_size must be a whole number, not 'yes' (true/false)"),
    ],
    "unknown-key-typo.yaml": [
        # Only the misspelling: not also "the plan has no 'title'".
        (1, "titel:", "unknown key 'titel' in the plan (did you mean 'title'?)"),
    ],
    "unknown-key.yaml": [
        (4, "catering:", f"unknown key 'catering' in the plan; expected one of: {PLAN_KEYS}"),
    ],
    "wrong-types.yaml": [
        (3, "groups: council and vcs", "groups must be a list, like [council, vcs], not 'council and vcs'"),
        (4, "anonymous: maybe", "anonymous must be true or false, not 'maybe'"),
        (5, "min_group_size: three", "min_group_size must be a whole number, not 'three'"),
    ],
    "priorities-not-a-mapping.yaml": [
        (5, "priorities: 3", "priorities must say how many dots each participant places, like priorities: {dots: 3}, not '3'"),
    ],
    "priorities-unknown-key.yaml": [
        (6, "dot: 3", "unknown key 'dot' in priorities (did you mean 'dots'?)"),
    ],
    "priorities-misspelt.yaml": [
        (5, "priority:", "unknown key 'priority' in the plan (did you mean 'priorities'?)"),
    ],
    "priorities-empty.yaml": [
        (5, "priorities: {}", "priorities needs 'dots', how many each participant places, like priorities: {dots: 3}"),
    ],
    "priorities-zero-dots.yaml": [
        (5, "dots: 0", "priorities dots must be from 1 to 20 (the dots each participant places), not 0"),
    ],
    "priorities-too-many-dots.yaml": [
        (5, "dots: 500", "priorities dots must be from 1 to 20 (the dots each participant places), not 500"),
    ],
    "priorities-dots-not-a-number.yaml": [
        (5, "dots: three", "priorities dots must be a whole number, not 'three'"),
    ],
    "perception-not-a-yes-or-no.yaml": [
        (5, "perception: sometimes", "perception must be true or false, not 'sometimes'"),
    ],
    "missing-title.yaml": [
        (1, "date:", "the plan has no 'title'; add a line like: title: Northshire Partnership Health Check"),
    ],
    "missing-date.yaml": [
        (1, "title:", "the plan has no 'date'; add a line like: date: 2026-12-03"),
    ],
    "bad-date.yaml": [
        (2, "date: 2026-13-40", "date 2026-13-40 is not a day in the calendar; check the month and the day (YYYY-MM-DD)"),
    ],
    "bad-date-words.yaml": [
        (2, "date: next tuesday", "date must be a date written YYYY-MM-DD (like 2026-12-03), not 'next tuesday'"),
    ],
    "unknown-principle.yaml": [
        (6, "- council-sustain-grant-programmes",
         "unknown principle id 'council-sustain-grant-programmes' (did you mean 'council-sustains-grant-programmes'?)"),
        (7, "- council-pays-on-time", "unknown principle id 'council-pays-on-time'; 'workshop principles' lists the ids"),
    ],
    "unknown-theme.yaml": [
        (6, "- fundng-and-grants", "unknown theme 'fundng-and-grants' (did you mean 'funding-and-grants'?)"),
        (7, "- housing", f"unknown theme 'housing'; expected one of: {THEMES}"),
    ],
    "duplicate-principle-id.yaml": [
        (7, "- council-sustains-grant-programmes",
         "principle 'council-sustains-grant-programmes' is listed twice; remove one of them"),
    ],
    "duplicate-extra-id.yaml": [
        (9, "- id: local-forum", "extra principle id 'local-forum' is used twice (first on line 5); give each its own id"),
    ],
    "extra-reuses-catalogue-id.yaml": [
        (9, "- id: council-sustains-grant-programmes",
         "extra principle id 'council-sustains-grant-programmes' is already a catalogue principle; "
         "choose another id (like 'local-1')"),
    ],
    "extra-missing-field.yaml": [
        (5, "- id: local-forum", "an extra principle is missing 'statement'"),
    ],
    "roster-undeclared-group.yaml": [
        (6, "group: health", "roster group 'health' is not one of the plan's groups (council, vcs); "
                             "add it to 'groups' or correct it"),
    ],
    "one-group.yaml": [
        (3, "groups: [council]", "a plan needs at least two groups to compare, like: groups: [council, vcs]"),
    ],
    "scale-min-max.yaml": [
        (4, "min: 5", "scale min (5) must be less than max (1)"),
    ],
    "scale-label-off.yaml": [
        (6, "6: Completely true", "scale label 6 is off the scale (1 to 5)"),
    ],
    "scale-too-many.yaml": [
        (5, "max: 20", "scale has 21 points; at most 11 fit on screen (like min: 0, max: 10)"),
    ],
    "empty-selection.yaml": [
        (4, "ids: []", "the plan selects no principles; choose some with 'themes' or 'ids'"),
    ],
    "roster-mode-no-roster.yaml": [
        (4, "roster]", "roster voting needs a 'roster' listing the participants; add one, or take 'roster' out of modes"),
    ],
    "unknown-mode.yaml": [
        (3, "phone]", "unknown voting mode 'phone' (did you mean 'phones'?)"),
    ],
    "bad-time-box.yaml": [
        (3, "time_box: five minutes", "time_box must be a length of time like 90s, 5m or 1m30s, not 'five minutes'"),
    ],
    "time-boxes-unselected.yaml": [
        (7, "council-contracts-have-realistic-terms: 6m",
         "time_boxes names 'council-contracts-have-realistic-terms', which the plan does not select; "
         "select it under 'principles', or remove this time box"),
    ],
    "facilitator-notes-typo.yaml": [
        (6, "council-sustain-grant-programmes:",
         "facilitator_notes names 'council-sustain-grant-programmes', which the plan does not select "
         "(did you mean 'council-sustains-grant-programmes'?)"),
        (7, "council-funds-services-it-hands-to-vcs: \"\"",
         "facilitator note for 'council-funds-services-it-hands-to-vcs' must not be empty"),
    ],
    "several-problems.yaml": [
        # In line order, although extra_principles is checked before principles and roster before modes;
        # and 'local-forum' in ids is not also called unknown: its own entry's problem is the one to fix.
        (2, "date: 2026-02-30", "date 2026-02-30 is not a day in the calendar; check the month and the day (YYYY-MM-DD)"),
        (4, "anonymous: yes please", "anonymous must be true or false, not 'yes please'"),
        (5, "0: Not at all true", "scale label 0 is off the scale (1 to 5)"),
        (9, "- council-pays-on-time", "unknown principle id 'council-pays-on-time'; 'workshop principles' lists the ids"),
        (15, "addressed_to: everyone", "addressed_to must be one of council, vcs, both, not 'everyone'"),
        (16, "modes: [cards, roster]",
         "roster voting needs a 'roster' listing the participants; add one, or take 'roster' out of modes"),
        (17, "time_box: soon", "time_box must be a length of time like 90s, 5m or 1m30s, not 'soon'"),
    ],
    "empty.yaml": [
        (None, "", "the plan is empty; start from 'workshop new PLAN.yaml'"),
    ],
    "list-not-mapping.yaml": [
        (1, "- title:", "the plan must be 'key: value' lines (title: ..., date: ...), not a list"),
    ],
    "duplicate-key.yaml": [
        (4, "date: 2026-11-25", "the plan repeats the key 'date' (first on line 2)"),
    ],
    # Hostile or mistaken input that used to crash validate, or validate and then crash import.
    "lone-surrogate.yaml": [
        (1, "\\ud800", "this text holds '\\ud800', half of a pair of characters that cannot stand alone; "
                       "write the character itself, or remove that escape"),
    ],
    "control-character.yaml": [
        (3, "\\e[2J", "this text holds a control character (U+001B) that would disturb the screen; remove it"),
    ],
    "roster-count-huge.yaml": [
        (6, "count: 10000000000000000000", "roster count must be at most 10,000 (a roster lists the people in one "
                                           "room), not 10000000000000000000"),
    ],
    "roster-too-many-seats.yaml": [
        (5, "count: 6000", "the roster has 12,000 seats; at most 10,000 fit one room "
                           "(for a bigger event, count cards instead)"),
    ],
    "min-group-size-huge.yaml": [
        (3, "min_group_size: 99999999999999999999999",
         "min_group_size must be at most 1,000 (the fewest scores a group needs before its results show), "
         "not 99999999999999999999999"),
    ],
    "nested-brackets.yaml": [
        (3, "groups: [[[[", "lists and mappings are nested more than 20 deep here; plans and catalogues need only a "
                            "few levels: check the brackets"),
    ],
    "scale-one-point.yaml": [
        (4, "min: 3", "scale min and max are both 3; a scale needs at least two points (like min: 1, max: 5)"),
    ],
    "scale-unknown-key.yaml": [
        (6, "dontknow: true", "unknown key 'dontknow' in scale (did you mean 'dont_know'?)"),
    ],
    "scale-out-of-range.yaml": [
        (4, "min: -1000", "scale min must be from -100 to 100, not -1000"),
        (5, "max: 1000", "scale max must be from -100 to 100, not 1000"),
    ],
    "scale-label-twice.yaml": [
        (7, "1: Never", "scale label 1 is given twice (first on line 5)"),
    ],
    "time-box-too-long.yaml": [
        (5, "council-sustains-grant-programmes: 25h",
         "time box for 'council-sustains-grant-programmes' must be at most 24h, not '25h'"),
    ],
    "alias.yaml": [
        (6, "- *seat", "'*seat' repeats an anchor ('&'); write the value out in full, or put text starting with '*' "
                       "in quotes"),
        (7, "- *seat", "'*seat' repeats an anchor ('&'); write the value out in full, or put text starting with '*' "
                       "in quotes"),
    ],
    "too-many-groups.yaml": [
        (3, "groups: [council, vcs, health", "a plan has at most 12 groups, not 13; put people who sit together "
                                             "in one group"),
    ],
}


def expected_lines(path: Path, problems) -> list[str]:
    return [f"{path}:{line}: {message}" if line else f"{path}: {message}" for line, _, message in problems]


def validate(*paths: Path | str):
    return CliRunner().invoke(cli, ["validate", *map(str, paths)])


def assert_clean_failure(result) -> None:
    """Exit 2 through fail(), not an exception escaping to click."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def test_every_bad_fixture_is_in_the_table():
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(BAD_PLANS)


@pytest.mark.parametrize("name", sorted(BAD_PLANS))
def test_bad_plan_lines_point_at_the_offending_line(name):
    lines = (BAD / name).read_text(encoding="utf-8").splitlines()
    for line, needle, _ in BAD_PLANS[name]:
        if line is not None:
            assert needle in lines[line - 1], f"{name}:{line} is {lines[line - 1]!r}"


@pytest.mark.parametrize("name", sorted(BAD_PLANS))
def test_validate_reports_bad_plan(name):
    path = BAD / name
    result = validate(path)
    assert_clean_failure(result)
    assert result.stderr.splitlines() == expected_lines(path, BAD_PLANS[name])
    assert result.stdout == ""


@pytest.mark.parametrize("name", sorted(BAD_PLANS))
def test_parse_plan_raises_the_same_problems(name):
    path = BAD / name
    with pytest.raises(InputError) as info:
        parse_plan(path.read_text(encoding="utf-8"), path)
    assert [(p.line, p.message) for p in info.value.problems] == [(line, msg) for line, _, msg in BAD_PLANS[name]]
    assert all(p.path == str(path) for p in info.value.problems)


# Smaller mistakes, inline: text -> [(line, message)].
CATALOGUE_THEMES = ", ".join(default_catalogue().theme_ids)  # the order the catalogue gives them

INLINE_BAD = [
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: [council-sustains-grant-programmes]\n",
                 [(3, "principles is a list; put the ids under 'ids:' (principles: {ids: [...]}) or themes under 'themes:'")],
                 id="principles-as-list"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: some\n",
                 [(3, "principles must be 'all', or 'themes: [...]' or 'ids: [...]' under it, not 'some'")],
                 id="principles-word"),
    pytest.param("title: A\ndate: 2026-11-18\nextra_principles: local-1\n",
                 [(3, "extra_principles must be a list, not 'local-1'")],  # once, not twice
                 id="extras-not-a-list"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: nobody\nroster:\n  - {name: A. Patel, group: council}\n",
                 [(3, "groups must be a list, like [council, vcs], not 'nobody'")],  # the roster is not blamed too
                 id="bad-groups-no-roster-cascade"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: [Council, vcs]\n",
                 [(3, "group 'Council' must be lowercase letters, digits and hyphens (like 'health')")],
                 id="group-not-a-slug"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: [council, vcs, council]\n",
                 [(3, "group 'council' is listed twice")],
                 id="group-twice"),
    pytest.param("title: A\ndate: 2026-11-18\nroster:\n  - {name: A. Patel, group: council}\n  - {name: a. patel, group: vcs}\n",
                 [(5, "'a. patel' is on the roster twice (first on line 4)")],
                 id="roster-name-twice"),
    pytest.param("title: A\ndate: 2026-11-18\nroster:\n  - {name: A. Patel, group: council, count: 2}\n",
                 [(4, "a named roster entry is one person; use 'count' only for anonymous seats")],
                 id="roster-named-count"),
    pytest.param("title: A\ndate: 2026-11-18\nmodes: [cards, roster]\nroster: []\n",
                 [(3, "roster voting needs a 'roster' listing the participants; add one, or take 'roster' out of modes")],
                 id="roster-mode-empty-roster"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {themes: [funding-and-grants]}\n"
                 "time_boxes: {council-sustain-grant-programmes: 5m}\n",
                 [(4, "time_boxes names 'council-sustain-grant-programmes', which the plan does not select "
                      "(did you mean 'council-sustains-grant-programmes'?)")],
                 id="time-box-typo"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {themes: [funding-and-grants], exclude: [local-1]}\n",
                 [(3, "cannot exclude 'local-1': it is not among the selected principles")],
                 id="exclude-unselected"),
    pytest.param("title: A\ndate: 2026-11-18\nmin_group_size: 0\n",
                 [(3, "min_group_size must be 1 or more")],
                 id="min-group-size-zero"),
    pytest.param("title: A\ndate: 2026-11-18\n---\ntitle: C\n",
                 [(3, "YAML syntax error: this file must be one YAML document, but a '---' line starts another; remove it")],
                 id="two-documents"),
    pytest.param("title: A\ndate: 2026-11-18\nscale:\n\tmin: 1\n",
                 [(4, "YAML syntax error: a tab character in the indentation; indent with spaces only")],
                 id="tab"),
    pytest.param("title: \"Eastbury\ndate: 2026-11-18\n",
                 [(1, "YAML syntax error: the quote opened on this line is not closed; add the closing quote")],
                 id="unclosed-quote"),
    pytest.param("title: A\ndate: 2026-11-18\nscale: {min: 1, max: 5\nmodes: [cards]\n",
                 [(3, "YAML syntax error: the '{' on this line is not closed; add the missing '}'")],
                 id="unclosed-brace"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: [\n\n",
                 [(3, "YAML syntax error: the file ends before a '[', '{' or quote is closed; check the brackets and quotes")],
                 id="ends-inside-a-list"),
    pytest.param("scale:\n    min: 1\n  max: 5\n",
                 [(3, "YAML syntax error: this line is not lined up with the lines above it; check its indentation")],
                 id="dedent"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: [council, vcs]]\n",
                 [(3, "YAML syntax error: expected <block end>, but found ']'; check the indentation, brackets and quotes "
                      "on this line")],
                 id="extra-bracket"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: [council, vcs: the sector: all of it]\n",
                 [(3, "YAML syntax error: expected ',' or ']', but got ':'; check the commas, and put quotes round text "
                      "that contains ': ' or ','")],
                 id="colon-inside-a-list"),
    pytest.param("title: *Eastbury*\ndate: 2026-11-18\n",
                 [(1, "YAML syntax error: text starting with '*' or '&' must be in quotes")],
                 id="alias-like-text"),
    pytest.param("title: A\ndate: !!python/object/apply:os.system [ls]\n",
                 [(2, "date must be a date written YYYY-MM-DD (like 2026-12-03), not a list")],
                 id="python-tag-on-a-list"),
    pytest.param("title: A\ndate: !!python/name:os.system x\n",
                 [(2, "the tag '!!python/name:os.system' is not allowed here; remove it")],  # once, not also "not a date"
                 id="python-tag"),
    pytest.param("---\n", [(None, "the plan is empty; start from 'workshop new PLAN.yaml'")], id="only-a-document-marker"),
    pytest.param("# nothing yet\n", [(None, "the plan is empty; start from 'workshop new PLAN.yaml'")], id="only-comments"),
    pytest.param("title: A\ndate: 2026-11-18\npriorities: [3]\n",
                 [(3, "priorities must say how many dots each participant places, like priorities: {dots: 3}, "
                      "not 'a list'")], id="priorities-as-a-list"),
    pytest.param("title: A\ndate: 2026-11-18\nscale:\n  min: 1\n  max: 5\n  labels: [Low, High]\n",
                 [(6, "scale labels must map scores to words, like {1: Not at all true, 5: Completely true}")],
                 id="labels-as-a-list"),
    # Every bad label is reported, each on its own line, and a good one after them is still read.
    pytest.param("title: A\ndate: 2026-11-18\nscale:\n  min: 1\n  max: 5\n  labels:\n    low: Bad\n    true: Yes\n"
                 "    9: Off\n    [1]: Odd\n    0: Below\n    3: Fine\n    3: Again\n    4: [a]\n",
                 [(7, "scale label key 'low' must be a score (a whole number)"),
                  (8, "scale label key 'true' must be a score (a whole number)"),
                  (9, "scale label 9 is off the scale (1 to 5)"),
                  (10, "scale label key 'a list' must be a score (a whole number)"),
                  (11, "scale label 0 is off the scale (1 to 5)"),
                  (13, "scale label 3 is given twice (first on line 12)"),
                  (14, "label for 4 must be text, not a list")],
                 id="every-bad-label"),
    pytest.param("title: A\ndate: 2026-11-18\ntime_box: [3]\n",
                 [(3, "time_box must be a length of time like 90s, 5m or 1m30s, not 'a list'")], id="time-box-as-a-list"),
    pytest.param("title: null\ndate: 2026-11-18\n", [(1, "title must be text, not empty")], id="null-title"),
    pytest.param('title: "A \\udfff"\ndate: 2026-11-18\n',
                 [(1, "this text holds '\\udfff', half of a pair of characters that cannot stand alone; "
                      "write the character itself, or remove that escape")], id="lone-low-surrogate"),
    pytest.param("title: A\ndate: 2026-11-18\nlocality: *place\n",
                 [(3, "'*place' repeats an anchor ('&'); write the value out in full, or put text starting with '*' "
                      "in quotes")], id="undefined-alias"),
    pytest.param("title: &t A\ndate: 2026-11-18\nlocality: *t\n",
                 [(3, "'*t' repeats an anchor ('&'); write the value out in full, or put text starting with '*' "
                      "in quotes")], id="alias-of-an-anchor"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups:\n  - council\n - vcs\n",
                 [(5, "YAML syntax error: this line is not lined up with the lines above it; check its indentation")],
                 id="list-item-out-of-line"),
    pytest.param("title: A\ngroups: {a: 1,\n",
                 [(2, "YAML syntax error: the file ends before a '[', '{' or quote is closed; check the brackets and "
                      "quotes")], id="ends-inside-a-mapping"),
    pytest.param("title: A\ndate: 2026-11-18\nscale: {min: 3, max: 3}\n",
                 [(3, "scale min and max are both 3; a scale needs at least two points (like min: 1, max: 5)")],
                 id="one-point-scale"),
    pytest.param("title: A\ndate: 2026-11-18\nscale: {min: 5, max: 1}\n",
                 [(3, "scale min (5) must be less than max (1)")], id="scale-upside-down"),
    pytest.param("title: A\ndate: 2026-11-18\nscale: {min: 0, max: 11}\n",
                 [(3, "scale has 12 points; at most 11 fit on screen (like min: 0, max: 10)")], id="twelve-point-scale"),
    pytest.param("title: A\ndate: 2026-11-18\nscale: {min: 1, max: 5, dont_know: maybe}\n",
                 [(3, "scale dont_know must be true or false, not 'maybe'")], id="dont-know-maybe"),
    pytest.param("title: A\ndate: 2026-11-18\npriorities: {dots: 21}\n",
                 [(3, "priorities dots must be from 1 to 20 (the dots each participant places), not 21")], id="dots-21"),
    pytest.param("title: A\ndate: 2026-11-18\nmin_group_size: -" + "9" * 5000 + "\n",
                 [(3, "min_group_size must be 1 or more")], id="hugely-negative-number"),
    pytest.param("title: A\ndate: 2026-11-18\ntime_box: 99999999999999s\n",
                 [(3, "time_box must be at most 24h, not '99999999999999s'")], id="time-box-of-ages"),
    pytest.param("title: A\ndate: 2026-11-18\ntime_box: 0s\n",
                 [(3, "time_box must be a length of time like 90s, 5m or 1m30s, not '0s'")], id="time-box-of-nothing"),
    # Choosing the principles: each way of getting it wrong, every mistake reported.
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: some\n",
                 [(3, "principles must be 'all', or 'themes: [...]' or 'ids: [...]' under it, not 'some'")],
                 id="principles-some"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {}\n",
                 [(3, "principles needs either 'themes: [...]' or 'ids: [...]' (one of them)")], id="principles-empty"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {idz: [a]}\n",
                 [(3, "unknown key 'idz' in principles (did you mean 'ids'?)"),
                  (3, "principles needs either 'themes: [...]' or 'ids: [...]' (one of them)")], id="principles-idz"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {themes: funding}\n",
                 [(3, "principles: themes must be a list, like [funding-and-grants], not 'funding'")],
                 id="themes-not-a-list"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {ids: council-is-frank-with-vcs}\n",
                 [(3, "principles: ids must be a list, like [council-sustains-grant-programmes], "
                      "not 'council-is-frank-with-vcs'")], id="ids-not-a-list"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {themes: [[a], fundin, nope]}\n",
                 [(3, "theme must be text, not a list"),
                  (3, f"unknown theme 'fundin'; expected one of: {CATALOGUE_THEMES}"),
                  (3, f"unknown theme 'nope'; expected one of: {CATALOGUE_THEMES}")], id="bad-themes"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {ids: [[a], council-is-frank, council-is-frnk-with-vcs]}\n",
                 [(3, "principle id must be text, not a list"),
                  (3, "unknown principle id 'council-is-frank' (did you mean 'council-is-frank-with-vcs'?)"),
                  (3, "unknown principle id 'council-is-frnk-with-vcs' (did you mean 'council-is-frank-with-vcs'?)")],
                 id="bad-ids"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {themes: [funding-and-grants], exclude: x}\n",
                 [(3, "principles: exclude must be a list, not 'x'")], id="exclude-not-a-list"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {themes: [funding-and-grants], exclude: [[a], nope, nada]}\n",
                 [(3, "principle id must be text, not a list"),
                  (3, "cannot exclude 'nope': it is not among the selected principles"),
                  (3, "cannot exclude 'nada': it is not among the selected principles")], id="bad-excludes"),
    pytest.param("title: A\ndate: 2026-11-18\n[a]: 1\n", [(3, "the plan has a key that is not a name: a list")],
                 id="key-that-is-a-list"),
    pytest.param("title: A\ndate: 2026-11-18\n7: x\n", [(3, "the plan has a key that is not a name: '7'")],
                 id="key-that-is-a-number"),
    pytest.param("title: A\ndate: 2026-11-18\nmin_group_size: !!int x\n",
                 [(3, "min_group_size must be a whole number, not 'x'")], id="int-tag-on-a-word"),
    pytest.param("title:\n  A\ndate: 2026-11-18\ntitle: B\n",
                 [(4, "the plan repeats the key 'title' (first on line 1)")], id="repeated-key-with-value-below"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: " + "[" * 20 + "]" * 20 + "\n",
                 [(3, "lists and mappings are nested more than 20 deep here; plans and catalogues need only a few "
                      "levels: check the brackets")], id="nested-21-deep"),
    # Saved on Windows (CRLF) or an old Mac (CR): the lines are counted as the editor shows them.
    pytest.param("title: A\r\ndate: 2026-11-18\r\nlocality: Southvale\r\nmodes: [cards, bogus]\r\n",
                 [(4, "unknown voting mode 'bogus'; expected one of: cards, roster, phones")], id="windows-line-ends"),
    pytest.param("title: A\rdate: 2026-11-18\rmodes: [bogus]\r",
                 [(3, "unknown voting mode 'bogus'; expected one of: cards, roster, phones")], id="old-mac-line-ends"),
    # Groups, roster and modes: every mistake in a list reported, each with its sentence and line.
    pytest.param("title: A\ndate: 2026-11-18\ngroups: [council, vcs, {name: Health}, {id: Health Board}, "
                 "{id: police, name: [a]}, {id: fire, colour: red}, [x]]\n",
                 [(3, "a group written as a mapping needs an 'id' (and may have a 'name')"),
                  (3, "group id 'Health Board' must be lowercase letters, digits and hyphens (like 'health')"),
                  (3, "group name must be text, not a list"),
                  (3, "unknown key 'colour' in a group; expected one of: id, name"),
                  (3, "group must be text, not a list")], id="bad-groups"),
    pytest.param("title: A\ndate: 2026-11-18\ngroups: [" + ", ".join(f"g{i}" for i in range(13)) + "]\n",
                 [(3, "a plan has at most 12 groups, not 13; put people who sit together in one group")],
                 id="thirteen-groups"),
    pytest.param("title: A\ndate: 2026-11-18\nmodes: [roster]\nroster:\n  - {name: A}\n  - x\n"
                 "  - {group: council, name: [a]}\n  - {group: council, count: 0}\n  - {group: [c]}\n"
                 "  - {group: council, count: two}\n  - {group: council, seat: 1}\n  - {group: council, name: B}\n",
                 [(5, "a roster entry needs a 'group'"),
                  (6, "a roster entry must be a mapping of keys to values, not 'x'"),
                  (7, "roster name must be text, not a list"),
                  (8, "roster count must be 1 or more"),
                  (9, "roster group must be text, not a list"),
                  (10, "roster count must be a whole number, not 'two'"),
                  (11, "unknown key 'seat' in a roster entry; expected one of: name, group, count")], id="bad-roster"),
    pytest.param("title: A\ndate: 2026-11-18\nmodes: [roster]\nroster:\n  - {group: council, count: 10001}\n",
                 [(5, "roster count must be at most 10,000 (a roster lists the people in one room), not 10001")],
                 id="seats-past-a-room"),
    pytest.param("title: A\ndate: 2026-11-18\nmodes: [roster]\nroster:\n  - {group: council, count: 6000}\n"
                 "  - {group: vcs, count: 4001}\n",
                 [(5, "the roster has 10,001 seats; at most 10,000 fit one room (for a bigger event, count cards "
                      "instead)")], id="roster-past-a-room"),
    pytest.param("title: A\ndate: 2026-11-18\nmodes: [cards, cards, [x], phones]\n",
                 [(3, "voting mode 'cards' is listed twice"), (3, "mode must be text, not a list")], id="bad-modes"),
    pytest.param("title: A\ndate: 2026-11-18\nmodes: []\n",
                 [(3, "modes must list at least one of: cards, roster, phones")], id="no-modes"),
    pytest.param("title: A\ndate: 2026-11-18\nmodes: cards\n",
                 [(3, "modes must be a list, like [cards, phones], not 'cards'")], id="modes-not-a-list"),
    pytest.param("title: A\ndate: 2026-11-18\ncomments: maybe\n", [(3, "comments must be true or false, not 'maybe'")],
                 id="comments-maybe"),
    pytest.param("title: A\ndate: 2026-11-18\nprinciples: {ids: [council-is-frank-with-vcs]}\n"
                 "facilitator_notes: {council-is-frank-with-vcs: [a], council-is-frank: x}\n",
                 [(4, "facilitator_notes names 'council-is-frank', which the plan does not select (did you mean "
                      "'council-is-frank-with-vcs'?)"),
                  (4, "facilitator note for 'council-is-frank-with-vcs' must be text, not a list")], id="bad-notes"),
    pytest.param("just some words\n", [(1, "the plan must be 'key: value' lines (title: ..., date: ...), not 'just some words'")],
                 id="plain-text"),
]


@pytest.mark.parametrize(("text", "problems"), INLINE_BAD)
def test_parse_plan_inline_problems(text, problems):
    with pytest.raises(InputError) as info:
        parse_plan(text, "p.yaml")
    assert [(p.line, p.message) for p in info.value.problems] == problems


def test_validate_reports_every_file():
    """Several files: the problems of all of them, and an ok line for each good one."""
    files = [BAD / "wrong-types.yaml", GOOD / "minimal.yaml", BAD / "unknown-mode.yaml", BAD / "missing-date.yaml"]
    result = validate(*files)
    assert_clean_failure(result)
    assert result.stderr.splitlines() == (
        expected_lines(files[0], BAD_PLANS["wrong-types.yaml"])
        + expected_lines(files[2], BAD_PLANS["unknown-mode.yaml"])
        + expected_lines(files[3], BAD_PLANS["missing-date.yaml"])
    )
    n = len(default_catalogue().principles)  # the whole catalogue, retired principles left out
    facts = len({p.needs_fact for p in default_catalogue().principles if p.needs_fact})  # asked in the lobby
    assert result.stdout.splitlines() == [f"{files[1]}: ok: Eastbury Partnership Check (2026-11-18): "
                                          f"{n} principles, Council and VCS, scale 1-5, anonymous, cards, "
                                          f"{facts} facts ({facts} not checked)"]


def test_validate_missing_file(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    result = validate(missing)
    assert_clean_failure(result)
    assert result.stderr == f"{missing}: no such plan file; check the path (plans usually live in sessions/)\n"


def test_validate_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Café des Bénévoles\ndate: 2026-11-18\n".encode("latin-1"))
    result = validate(path)
    assert_clean_failure(result)
    assert result.stderr == f"{path}: cannot read this plan: it is not UTF-8 text; save it as UTF-8 in your editor\n"


def test_validate_as_a_real_process():
    """The installed entry point: exit 2, problems on stderr, no traceback."""
    path = BAD / "several-problems.yaml"
    proc = subprocess.run([sys.executable, "-c", "from workshop.cli import cli; cli()", "validate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == expected_lines(path, BAD_PLANS["several-problems.yaml"])
    assert proc.stdout == ""


# --- good plans -------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(GOOD.glob("*.yaml")), ids=lambda p: p.name)
def test_good_plan_validates(path):
    result = validate(path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: ok: ")


def test_minimal_plan_defaults():
    plan, text = load_plan(GOOD / "minimal.yaml")
    assert text.startswith("title: Eastbury")
    assert plan.title == "Eastbury Partnership Check"
    assert plan.date == dt.date(2026, 11, 18)
    assert plan.groups == (Group("council", "Council"), Group("vcs", "VCS"))
    assert plan.scale == Scale()
    assert plan.anonymous is True
    assert plan.min_group_size == 3
    assert plan.modes == ("cards",)
    assert plan.roster == ()
    assert plan.time_box is None and plan.time_boxes == {}
    assert (plan.place, plan.locality, plan.facilitator) == ("", "", "")
    from workshop.inputs.catalogue import default_catalogue
    cat = default_catalogue()
    assert plan.principles == cat.principles  # no selection means all, in catalogue order
    assert plan.themes == cat.themes


def test_placed_extras_plan():
    plan, _ = load_plan(GOOD / "placed-extras.yaml")
    assert plan.title == "Westmoor Compact Review 2027"
    assert plan.date == dt.date(2027, 3, 9)
    assert (plan.place, plan.locality, plan.facilitator) == ("Westmoor Civic Centre, Room 4", "Westmoor", "Jo Brown")
    assert plan.groups == (Group("council", "Westmoor Council"), Group("vcs", "Voluntary sector"),
                           Group("health", "Health partners"))
    assert plan.scale == Scale(0, 10, {0: "Not at all true", 5: "Partly true", 10: "Completely true"}, False)
    assert plan.anonymous is False
    assert plan.min_group_size == 1  # default when not anonymous
    # local-forum placed where 'ids' puts it; local-small-grants, not in 'ids', appended.
    assert [p.id for p in plan.principles] == [
        "council-sustains-grant-programmes", "local-forum", "council-contracts-have-realistic-terms", "local-small-grants"]
    forum = plan.principles[1]
    assert (forum.theme, forum.addressed_to, forum.sources) == ("local", "both", ())
    assert forum.statement == "The VCS forum meets the council every quarter and follows up what it agrees."
    # Catalogue themes first, in catalogue order, then the plan's own.
    assert [t.id for t in plan.themes] == ["funding-and-grants", "commissioning-and-procurement", "local"]
    assert plan.theme_title("local") == "Local"
    assert plan.roster == (Seat("council", "A. Patel"), Seat("vcs", "S. Okafor"),
                           Seat("vcs"), Seat("vcs"), Seat("vcs"), Seat("health"), Seat("health"))
    assert plan.modes == ("cards", "roster")
    assert plan.time_box == 90
    assert plan.time_boxes == {"local-forum": 480, "council-sustains-grant-programmes": 90}
    assert plan.time_box_for("local-forum") == 480
    assert plan.time_box_for("local-small-grants") == 90


def test_themes_plan_appends_extras():
    from workshop.inputs.catalogue import default_catalogue
    cat = default_catalogue()
    plan, _ = load_plan(GOOD / "themes-appended.yaml")
    expected = [p.id for t in ("funding-and-grants", "independence-and-voice") for p in cat.in_theme(t)
                if p.id != "council-secures-social-investment-loans"]
    assert [p.id for p in plan.principles] == expected + ["local-1"]
    assert plan.principles[-1].statement == "The council answers the VCS forum's letters within a month."
    assert plan.modes == ("cards", "phones")
    assert plan.anonymous is True and plan.min_group_size == 3
    assert plan.scale == Scale()


@pytest.mark.parametrize(("anonymous", "size", "expected"), [
    ("true", None, 3), ("false", None, 1), (None, None, 3), ("false", 4, 4), ("true", 1, 1),
])
def test_min_group_size_default(anonymous, size, expected):
    text = "title: A\ndate: 2026-11-18\n"
    text += f"anonymous: {anonymous}\n" if anonymous else ""
    text += f"min_group_size: {size}\n" if size else ""
    assert parse_plan(text).min_group_size == expected


def test_scale_labels_default_to_the_ends():
    plan = parse_plan("title: A\ndate: 2026-11-18\nscale: {min: 0, max: 10}\n")
    assert plan.scale.labels == {0: "Not at all true", 10: "Completely true"}


@pytest.mark.parametrize(("value", "seconds"), [
    (90, 90), ("90s", 90), ("3m", 180), ("1m30s", 90), ("1h", 3600), ("2 min", 120), ("45 sec", 45),
    (0, None), ("0m", None), ("soon", None), ("", None), (True, None), (1.5, None), (None, None),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


# --- the shipped plans and 'workshop new' ----------------------------------------------------


@pytest.mark.parametrize("name", ["demo.yaml", "example-full.yaml"])
def test_shipped_sessions_validate(name):
    path = REPO / "sessions" / name
    result = validate(path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{path}: ok: ")


def test_demo_plan_shape():
    plan, _ = load_plan(REPO / "sessions" / "demo.yaml")
    assert 8 <= len(plan.principles) <= 12
    assert len({p.theme for p in plan.principles}) >= 3
    assert plan.modes == ("cards",)


def test_new_writes_a_plan_that_validates(tmp_path):
    path = tmp_path / "eastbury.yaml"
    result = CliRunner().invoke(cli, ["new", str(path), "--title", 'Eastbury: the "big" check', "--date", "2026-11-18",
                                      "--locality", "Eastbury"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {path}; edit it, then: workshop validate {path}\n"
    assert validate(path).exit_code == 0
    plan, _ = load_plan(path)
    assert plan.title == 'Eastbury: the "big" check'
    assert plan.date == dt.date(2026, 11, 18)
    assert plan.locality == "Eastbury"


def test_new_defaults_to_today_and_no_locality(tmp_path):
    path = tmp_path / "plan.yaml"
    assert CliRunner().invoke(cli, ["new", str(path)]).exit_code == 0
    plan, _ = load_plan(path)
    assert plan.date == dt.date.today()
    # No made-up area: a new user's sessions must not join someone else's trend.
    assert plan.locality == ""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index('locality: ""')
    assert "please set it" in lines[at - 2] and "Northshire" not in lines[at]
    assert validate(path).exit_code == 0


def test_frozen_plan_keeps_source_titles_and_reads_sessions_saved_without_them():
    from workshop.model import Plan, Source

    plan, _ = load_plan(REPO / "sessions" / "demo.yaml")
    source = plan.principles[0].sources[0]
    assert source.title == "They must find common cause and not fall out"
    data = plan.to_dict()
    assert data["principles"][0]["sources"][0]["title"] == source.title
    assert Plan.from_dict(data) == plan
    # A session stored before sources had titles: it loads, and shows the file name instead.
    for p in data["principles"]:
        for s in p["sources"]:
            del s["title"]
    old = Plan.from_dict(data).principles[0].sources[0]
    assert old == Source(source.text, source.quote) and old.label == source.text


def test_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("title: Mine\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(path)])
    assert_clean_failure(result)
    assert result.stderr == f"error: {path}: already exists; choose a new file name or delete it first\n"
    assert path.read_text(encoding="utf-8") == "title: Mine\n"


def test_new_bad_date_writes_nothing(tmp_path):
    path = tmp_path / "plan.yaml"
    result = CliRunner().invoke(cli, ["new", str(path), "--date", "next tuesday"])
    assert_clean_failure(result)
    assert result.stderr == "error: --date 'next tuesday' must be written YYYY-MM-DD\n"
    assert not path.exists()


# --- the priorities round -----------------------------------------------------------------

PRIORITIES = ("title: Eastbury\ndate: 2026-11-18\nprinciples: {ids: [council-sustains-grant-programmes]}\n"
              "priorities: {dots: 3}\n")


def test_priorities_are_read_frozen_in_the_session_and_named_by_validate(tmp_path):
    from workshop.model import Plan
    from workshop.store import Store

    plan = parse_plan(PRIORITIES)
    assert plan.dots == 3 and plan.priorities
    assert plan.to_dict()["priorities"] == {"dots": 3} and Plan.from_dict(plan.to_dict()) == plan
    assert not parse_plan(PRIORITIES.replace("priorities: {dots: 3}\n", "")).priorities
    assert "priorities" not in parse_plan(PRIORITIES.replace("priorities: {dots: 3}\n", "")).to_dict()
    with Store(tmp_path / "w.db") as store:
        session = store.start_session(plan, PRIORITIES)
        assert store.session(session.id).plan.dots == 3  # the session's copy keeps its allowance
    path = tmp_path / "plan.yaml"
    path.write_text(PRIORITIES, encoding="utf-8")
    result = validate(path)
    assert result.exit_code == 0 and "priorities round (3 dots each)" in result.stdout
    path.write_text(PRIORITIES.replace("3}", "1}"), encoding="utf-8")
    assert "priorities round (1 dot each)" in validate(path).stdout


def test_new_plans_mention_the_priorities_round_and_it_validates_once_switched_on(tmp_path):
    path = tmp_path / "plan.yaml"
    assert CliRunner().invoke(cli, ["new", str(path)]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "# priorities: {dots: 3}" in text
    path.write_text(text.replace("# priorities: {dots: 3}", "priorities: {dots: 3}"), encoding="utf-8")
    assert load_plan(path)[0].dots == 3


SUMMARIES = [
    ("groups: [council, vcs]\nanonymous: true\nmodes: [cards]",
     "2 principles, Council and VCS, scale 1-5, anonymous, cards"),
    ("groups: [council, vcs, {id: health, name: Health}]\nanonymous: false\nmodes: [cards, phones]",
     "2 principles, Council, VCS, Health, scale 1-5, named, cards+phones"),
    ("groups: [council, vcs]\nanonymous: false\nscale: {min: 0, max: 10}\nmodes: [roster]\n"
     "roster: [{name: A. Patel, group: council}, {name: S. Okafor, group: vcs}]\nperception: true\n"
     "priorities: {dots: 1}\ncomments: true",
     "2 principles, Council and VCS, scale 0-10, named, roster, 2 on the roster, perception round, "
     "priorities round (1 dot each), comments"),
    ("groups: [council, vcs]\nanonymous: true\nmodes: [cards]\npriorities: {dots: 3}\n"
     "facilitator_notes: {council-is-frank-with-vcs: Ask about the budget letter.}",
     "2 principles, Council and VCS, scale 1-5, anonymous, cards, priorities round (3 dots each), "
     "1 facilitator note"),
]


@pytest.mark.parametrize(("lines", "described"), SUMMARIES)
def test_validate_describes_a_plan_in_one_line(lines, described, tmp_path):
    """What `validate` says of a good plan: its groups, scale, privacy, modes and optional rounds."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("title: Check\ndate: 2026-11-18\n"
                    "principles: {ids: [council-is-frank-with-vcs, council-sustains-grant-programmes]}\n"
                    + lines + "\n", encoding="utf-8")
    result = validate(plan)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{plan}: ok: Check (2026-11-18): {described}\n"



@pytest.mark.parametrize(("scale", "expected"), [
    # No dont_know: don't know is offered. A scale other than 1-5 gets words only at its ends.
    ("{min: 1, max: 5}", (1, 5, True, {1: "Not at all true", 3: "Partly true", 5: "Completely true"})),
    ("{min: 1, max: 5, dont_know: false}", (1, 5, False, {1: "Not at all true", 3: "Partly true", 5: "Completely true"})),
    ("{min: 0, max: 10}", (0, 10, True, {0: "Not at all true", 10: "Completely true"})),
    ("{min: 2}", (2, 5, True, {2: "Not at all true", 5: "Completely true"})),
])
def test_a_scale_reads_as_written_with_its_defaults(scale, expected):
    plan = parse_plan(f"title: A\ndate: 2026-11-18\nscale: {scale}\n", "p.yaml")
    assert (plan.scale.min, plan.scale.max, plan.scale.dont_know, dict(plan.scale.labels)) == expected


def test_numbers_at_their_bounds_are_taken():
    plan = parse_plan("title: A\ndate: 2026-11-18\npriorities: {dots: 20}\ntime_box: 1s\nmin_group_size: 1000\n", "p.yaml")
    assert (plan.dots, plan.time_box, plan.min_group_size) == (20, 1, 1000)


def test_a_number_too_long_for_python_is_refused_as_too_big():
    with pytest.raises(InputError) as info:
        parse_plan("title: A\ndate: 2026-11-18\nmin_group_size: " + "9" * 5000 + "\n", "p.yaml")
    [problem] = info.value.problems
    assert problem.line == 3 and problem.message.startswith(
        "min_group_size must be at most 1,000 (the fewest scores a group needs before its results show), not 999")



def test_a_plan_saved_on_windows_reads_as_written(tmp_path):
    """CRLF line ends: no stray carriage return in a title, and the file validates."""
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"title: Eastbury Check\r\ndate: 2026-11-18\r\nlocality: Eastbury\r\n"
                     b"principles: {ids: [council-is-frank-with-vcs]}\r\n")
    plan, _ = load_plan(path)
    assert (plan.title, plan.locality) == ("Eastbury Check", "Eastbury")


def test_values_at_the_reader_limits_are_taken():
    """Nested 20 deep (the limit) is read on to the next check; a text of exactly 1,000 characters is taken."""
    with pytest.raises(InputError) as info:
        parse_plan("title: A\ndate: 2026-11-18\ngroups: " + "[" * 19 + "]" * 19 + "\n", "p.yaml")
    assert "nested more than 20 deep" not in str(info.value)
    assert parse_plan("title: " + "x" * 1000 + "\ndate: 2026-11-18\n", "p.yaml").title == "x" * 1000


def test_a_plan_file_of_exactly_a_megabyte_is_read(tmp_path):
    path = tmp_path / "plan.yaml"
    head = b"title: Big\ndate: 2026-11-18\n"
    path.write_bytes(head + b"#" * (1_000_000 - len(head) - 1) + b"\n")
    assert path.stat().st_size == 1_000_000
    assert load_plan(path)[0].title == "Big"



def test_groups_and_seats_at_their_limits_are_taken():
    twelve = parse_plan("title: A\ndate: 2026-11-18\ngroups: [" + ", ".join(f"g{i}" for i in range(12)) + "]\n", "p.yaml")
    assert [g.id for g in twelve.groups] == [f"g{i}" for i in range(12)]
    full = parse_plan("title: A\ndate: 2026-11-18\nmodes: [roster]\nroster:\n  - {group: council, count: 10000}\n",
                      "p.yaml")
    assert len(full.roster) == 10_000 and {s.group for s in full.roster} == {"council"}



def test_a_plan_keeps_its_notes_and_names_its_own_theme():
    plan = parse_plan("title: A\ndate: 2026-11-18\nprinciples: {ids: [council-is-frank-with-vcs, local-bus-passes]}\n"
                      "facilitator_notes: {council-is-frank-with-vcs: Ask the chair first.}\n"
                      "extra_principles:\n  - {id: local-bus-passes, statement: The council keeps bus passes for "
                      "volunteers., theme: local-transport, addressed_to: council}\n", "p.yaml")
    assert plan.facilitator_notes == {"council-is-frank-with-vcs": "Ask the chair first."}
    assert [(p.id, p.theme) for p in plan.principles] == [("council-is-frank-with-vcs", "collaboration-and-culture"),
                                                          ("local-bus-passes", "local-transport")]
    local = next(t for t in plan.themes if t.id == "local-transport")
    assert (local.title, local.description) == ("Local transport", "Local principles added by this plan.")


def test_a_plan_path_that_is_a_folder_says_it_cannot_be_read(tmp_path):
    with pytest.raises(InputError) as info:
        load_plan(tmp_path)
    [problem] = info.value.problems
    assert (problem.path, problem.line) == (str(tmp_path), None)
    assert problem.message.startswith("cannot read this plan: ") and len(problem.message) > len("cannot read this plan: ")
