"""VOTES.csv (participant,group,principle,score[,question]) -> ballots (and the perception round's
predictions, and the priorities round's dots) for a plan, or every bad row at once."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..model import Ballot, Plan, Prediction
from ..model import Dots
from .problems import InputError, Problem, did_you_mean, shown
from .yamlread import MAX_PROBLEMS

COLUMNS = ("participant", "group", "principle", "score")
QUESTION = "question"  # optional: blank or 'rating' for a rating, 'predict:<group>' for a prediction,
# 'dots' for the priorities round: the dots one participant (or, with no participant, a group) placed
DOTS = "dots"
ROW_DOTS = "\0dots"  # what a dots row asks, told apart from a prediction about a group that may be called 'dots'
MAX_WALL = 10_000  # seats in a room (inputs/plan.MAX_SEATS): a group's wall holds at most that many people's dots
DONT_KNOW = {"dk", "don't know", "dont know", "don’t know"}
# A score as a person or a spreadsheet writes it: ASCII digits, an optional minus, and '.0' from a
# spreadsheet that saves every number with a decimal. Python's int() and float() also read '+4',
# '4e0', '0_4', '４' and '٤' as 4; a ballot is never guessed at, so those are refused.
SCORE = re.compile(r"^(-?)([0-9]+)(?:\.0+)?$")
DECIMAL = re.compile(r"^-?[0-9]*\.[0-9]+$")


def read_votes(path: str | Path, plan: Plan) -> list[Ballot | Prediction | Dots]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "no such file; check the path to the votes CSV")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), None, "not UTF-8 text; save the CSV as UTF-8 and try again")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), None, f"cannot read this file ({exc.strerror})")]) from None
    return parse_votes(text, plan, path)


def parse_votes(text: str, plan: Plan, path: str | Path = "votes.csv") -> list[Ballot | Prediction | Dots]:
    """The ballots in text, and with a 'question' column the perception round's predictions and the
    priorities round's dots too."""
    where = str(path)
    problems: list[Problem] = []
    # newline="": only real line ends end a row (str.splitlines would also split on U+2028 and
    # form feeds inside a cell), and a quoted cell may hold a line break of its own.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError([Problem(where, 1, f"broken CSV: {exc}")]) from None
    if not header or not any(h.strip() for h in header):
        raise InputError([Problem(where, 1, f"no header row; the first line must be: {','.join(COLUMNS)}")])
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InputError([Problem(where, 1, f"missing column{'s' if len(missing) > 1 else ''} "
                                            f"{', '.join(missing)}; the first line must be: {','.join(COLUMNS)}")])
    twice = [c for c in (*COLUMNS, QUESTION) if names.count(c) > 1]
    if twice:
        # Which of the two holds the ballot is anyone's guess; reading either would be a guess too.
        raise InputError([Problem(where, 1, f"the column '{c}' appears twice (columns "
                                            f"{' and '.join(str(i + 1) for i, n in enumerate(names) if n == c)}); "
                                            "keep one of them") for c in twice])
    col = {c: names.index(c) for c in COLUMNS}
    asked = names.index(QUESTION) if QUESTION in names else None
    groups = [g.id for g in plan.groups]
    principles = {p.id for p in plan.principles}
    ballots: list[Ballot | Prediction | Dots] = []
    placed: dict[str, tuple[int, list[int]]] = {}  # participant -> dots in all, and the lines they are on
    seen: dict[tuple[str, str, str | None], int] = {}
    member_of: dict[str, tuple[str, int]] = {}
    wall: list[tuple[str, int, int]] = []  # (group, dots, line) of each group's dots counted on the wall
    while True:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(where, None, f"stopped after the first {len(problems)} problems; "
                                                 "correct these, then import again"))
            break
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(where, reader.line_num, f"broken CSV: {exc}"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append(Problem(where, line, f"expected {len(names)} fields, found {len(row)}"))
            continue
        participant, group, principle, raw = (row[col[c]].strip() for c in COLUMNS)
        bad = len(problems)
        if group not in groups:
            problems.append(Problem(where, line, f"unknown group '{group}'{_hint(group, groups)}"))
        if principle not in principles:
            problems.append(Problem(where, line, f"principle '{principle}' is not in this plan{_hint(principle, sorted(principles))}"))
        question = row[asked].strip() if asked is not None else ""
        if question.lower() == DOTS:
            dots = _dots(raw, plan, bool(participant), where, line, problems)
            about = ROW_DOTS
        else:
            score = _score(raw, plan, where, line, problems)
            about = _question(question, group, plan, where, line, problems)
        if participant and group in groups:
            first = member_of.setdefault(participant.casefold(), (group, line))
            if first[0] != group:
                problems.append(Problem(where, line, f"'{participant}' is in group '{first[0]}' on line {first[1]}, "
                                                     f"and '{group}' here"))
            key = (participant.casefold(), principle, about)
            if key in seen:
                what = "a ballot" if about is None else "dots" if about == ROW_DOTS else "a prediction"
                problems.append(Problem(where, line, f"'{participant}' already has {what} on '{principle}' "
                                                     f"(line {seen[key]}); keep one of the two"))
            seen.setdefault(key, line)
        if about == ROW_DOTS and dots is not None:
            _within_allowance(participant, group, principle, dots, plan, placed, seen, where, line, problems)
        if len(problems) == bad and about == ROW_DOTS:
            ballots.append(Dots(principle, group, dots, participant or None))
            if not participant:
                wall.append((group, dots, line))
        elif len(problems) == bad:
            ballots.append(Ballot(principle, group, score, participant or None, "import") if about is None else
                           Prediction(principle, group, about, score, participant or None, "import"))
    if not ballots and not problems:
        problems.append(Problem(where, None, "no ballots in this file; add rows under the header"))
    problems += _walls_within_room(wall, ballots, plan, where)
    if problems:
        raise InputError(problems)
    return ballots


def _score(raw: str, plan: Plan, where: str, line: int, problems: list[Problem]) -> int | None:
    scale = plan.scale
    if not raw:
        problems.append(Problem(where, line, f"no score; use {scale.describe()}"))
        return None
    if raw.lower() in DONT_KNOW:
        if not scale.dont_know:
            problems.append(Problem(where, line, "this plan's scale has no 'don't know'; give a score "
                                                 f"from {scale.min} to {scale.max}"))
        return None
    m = SCORE.match(raw)
    if m is None:
        if not any(ch.isdigit() for ch in raw):
            message = f"score '{shown(raw, 20)}' is not a number; use {scale.describe()}"
        elif DECIMAL.match(raw):
            message = f"score '{shown(raw, 20)}' must be a whole number from {scale.min} to {scale.max}"
        else:
            message = (f"score '{shown(raw, 20)}' is not a whole number on the scale; write it in plain digits 0-9: "
                       f"use {scale.describe()}")
        problems.append(Problem(where, line, message))
        return None
    sign, digits = m.groups()
    digits = digits.lstrip("0") or "0"
    # More digits than any scale end has is off the scale, whatever the number (int() would refuse thousands).
    value = int(sign + digits) if len(digits) <= 4 else None
    if value is None or not scale.accepts(value):
        problems.append(Problem(where, line, f"score {shown(raw, 20)} is off the scale; use {scale.describe()}"))
        return None
    return value


def _question(raw: str, group: str, plan: Plan, where: str, line: int, problems: list[Problem]) -> str | None:
    """The group a row predicts about, or None for a rating; a problem for any other question."""
    value = raw.lower()
    if value in ("", "rating"):
        return None
    kind, colon, about = (part.strip() for part in raw.partition(":"))
    if kind.lower() != "predict" or not colon:
        problems.append(Problem(where, line, f"unknown question '{shown(raw, 30)}'; use rating, "
                                             "predict:<group> for how that group will rate the principle, "
                                             "or dots for a priorities row"))
        return None
    groups = [g.id for g in plan.groups]
    if not plan.perception:
        problems.append(Problem(where, line, "a prediction, but this plan has no perception round; "
                                             "add 'perception: true' to the plan, or take the prediction rows out"))
    elif about not in groups:
        problems.append(Problem(where, line, f"question '{shown(raw, 30)}' names an unknown group "
                                             f"'{shown(about, 20)}'{_hint(about, groups)}"))
    elif about == group and plan.predicts_about(group):
        problems.append(Problem(where, line, f"'{group}' cannot predict its own rating; a side predicts how the "
                                             f"other rates: predict:{plan.predicts_about(group)}"))
    elif group in groups and plan.predicts_about(group) != about:
        pair = plan.predictors
        problems.append(Problem(where, line, f"only {pair[0]} and {pair[1]} predict each other's rating; "
                                             f"'{group}' cannot predict '{about}'"))
    else:
        return about
    return "?"  # a bad question: the row is reported, and counts as neither kind


def _dots(raw: str, plan: Plan, personal: bool, where: str, line: int, problems: list[Problem]) -> int | None:
    """The number of dots on a priorities row: a whole number from 0 to the allowance (a participant's
    row) or to what a room can place (a group's, counted on the wall)."""
    if not plan.priorities:
        problems.append(Problem(where, line, "a priorities row, but this plan has no priorities round; add "
                                             "'priorities: {dots: 3}' to the plan, or take the dots rows out"))
        return None
    most = plan.dots if personal else plan.dots * MAX_WALL
    m = SCORE.match(raw)
    if not raw or raw.lower() in DONT_KNOW or m is None or m.group(1):
        said = "no number" if not raw else f"'{shown(raw, 20)}'"
        problems.append(Problem(where, line, f"dots must be a whole number from 0 to {most:,}, not {said}"))
        return None
    digits = m.group(2).lstrip("0") or "0"
    value = int(digits) if len(digits) <= 9 else most + 1
    if value > most:
        whose = f"the {plan.dots} each participant places" if personal else \
            f"the {most:,} a room of {MAX_WALL:,} can place"
        problems.append(Problem(where, line, f"{shown(raw, 20)} dots is more than {whose}"))
        return None
    return value


def _within_allowance(participant, group, principle, dots, plan, placed, seen, where, line, problems) -> None:
    """A participant's dots on every principle together stay within the allowance."""
    if not participant:
        key = (f"\0wall:{group}", principle, ROW_DOTS)  # one row per group and principle for the wall
        if key in seen:
            problems.append(Problem(where, line, f"'{group}' already has its dots on '{principle}' (line "
                                                 f"{seen[key]}); give one row per group and principle"))
        seen.setdefault(key, line)
        return
    total, lines = placed.get(participant.casefold(), (0, []))
    total, lines = total + dots, lines + [line]
    placed[participant.casefold()] = (total, lines)
    if total > plan.dots:
        problems.append(Problem(where, line, f"'{participant}' places {total} dots in all (lines "
                                             f"{', '.join(map(str, lines))}); each participant places {plan.dots}"))


def _group_size(group: str, ballots, plan: Plan) -> tuple[int, str]:
    """How many people a group had: its roster seats, else the most people the file shows in it
    (its ballots on any one principle, or its named participants); 0 when nothing says."""
    seats = sum(1 for s in plan.roster if s.group == group)
    if seats:
        return seats, f"the plan's roster has {seats} {group} seat{'s' if seats != 1 else ''}"
    per_principle: dict[str, int] = {}
    named = set()
    for b in ballots:
        if b.group != group:
            continue
        if isinstance(b, Ballot):
            per_principle[b.principle_id] = per_principle.get(b.principle_id, 0) + 1
        if b.participant:
            named.add(b.participant.casefold())
    most = max(per_principle.values(), default=0)
    if most >= len(named):
        return most, f"this file has at most {most} {group} ballot{'s' if most != 1 else ''} on one principle"
    return len(named), f"this file names {len(named)} {group} participant{'s' if len(named) != 1 else ''}"


def _walls_within_room(wall, ballots, plan: Plan, where: str) -> list[Problem]:
    """A group's dots counted on the wall, on every principle together, stay within what its people
    can place: the allowance times the people the plan or the file says the group had."""
    problems, totals, lines, sizes = {}, {}, {}, {}
    for group, dots, line in wall:
        totals[group] = totals.get(group, 0) + dots
        lines.setdefault(group, []).append(line)
        if group not in sizes:
            sizes[group] = _group_size(group, ballots, plan)
        people, known = sizes[group]
        if people and totals[group] > plan.dots * people and group not in problems:
            problems[group] = Problem(where, line, (
                f"'{group}' has {totals[group]:,} dots on the wall in all (line{'s' if len(lines[group]) > 1 else ''} "
                f"{', '.join(map(str, lines[group]))}), more than its {people} people can place "
                f"({plan.dots} each): {known}"))
    return list(problems.values())


def _hint(word: str, choices: list[str]) -> str:
    hint = did_you_mean(word, choices)
    return hint if hint.startswith(" (") else ""
