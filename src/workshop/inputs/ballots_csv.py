"""VOTES.csv (participant,group,principle,score[,question]) -> ballots (and the perception round's
predictions) for a plan, or every bad row at once."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..model import Ballot, Plan, Prediction
from .problems import InputError, Problem, did_you_mean, shown
from .yamlread import MAX_PROBLEMS

COLUMNS = ("participant", "group", "principle", "score")
QUESTION = "question"  # optional: blank or 'rating' for a rating, 'predict:<group>' for a prediction
DONT_KNOW = {"dk", "don't know", "dont know", "don’t know"}
# A score as a person or a spreadsheet writes it: ASCII digits, an optional minus, and '.0' from a
# spreadsheet that saves every number with a decimal. Python's int() and float() also read '+4',
# '4e0', '0_4', '４' and '٤' as 4; a ballot is never guessed at, so those are refused.
SCORE = re.compile(r"^(-?)([0-9]+)(?:\.0+)?$")
DECIMAL = re.compile(r"^-?[0-9]*\.[0-9]+$")


def read_votes(path: str | Path, plan: Plan) -> list[Ballot | Prediction]:
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


def parse_votes(text: str, plan: Plan, path: str | Path = "votes.csv") -> list[Ballot | Prediction]:
    """The ballots in text, and with a 'question' column the perception round's predictions too."""
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
    ballots: list[Ballot | Prediction] = []
    seen: dict[tuple[str, str, str | None], int] = {}
    member_of: dict[str, tuple[str, int]] = {}
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
        score = _score(raw, plan, where, line, problems)
        about = _question(row[asked].strip() if asked is not None else "", group, plan, where, line, problems)
        if participant and group in groups:
            first = member_of.setdefault(participant.casefold(), (group, line))
            if first[0] != group:
                problems.append(Problem(where, line, f"'{participant}' is in group '{first[0]}' on line {first[1]}, "
                                                     f"and '{group}' here"))
            key = (participant.casefold(), principle, about)
            if key in seen:
                what = "a ballot" if about is None else "a prediction"
                problems.append(Problem(where, line, f"'{participant}' already has {what} on '{principle}' "
                                                     f"(line {seen[key]}); keep one of the two"))
            seen.setdefault(key, line)
        if len(problems) == bad:
            ballots.append(Ballot(principle, group, score, participant or None, "import") if about is None else
                           Prediction(principle, group, about, score, participant or None, "import"))
    if not ballots and not problems:
        problems.append(Problem(where, None, "no ballots in this file; add rows under the header"))
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
    if value == "dots":
        problems.append(Problem(where, line, "question 'dots' (a priorities row) is not supported yet; "
                                             "take these rows out and import the ratings"))
        return None
    kind, colon, about = (part.strip() for part in raw.partition(":"))
    if kind.lower() != "predict" or not colon:
        problems.append(Problem(where, line, f"unknown question '{shown(raw, 30)}'; use rating, or "
                                             "predict:<group> for how that group will rate the principle"))
        return None
    groups = [g.id for g in plan.groups]
    if not plan.perception:
        problems.append(Problem(where, line, "a prediction, but this plan has no perception round; "
                                             "add 'perception: true' to the plan, or take the prediction rows out"))
    elif about not in groups:
        problems.append(Problem(where, line, f"question '{shown(raw, 30)}' names an unknown group "
                                             f"'{shown(about, 20)}'{_hint(about, groups)}"))
    elif about == group:
        problems.append(Problem(where, line, f"'{group}' cannot predict its own rating; a side predicts how the "
                                             f"other rates: predict:{plan.predicts_about(group) or 'OTHER'}"))
    elif group in groups and plan.predicts_about(group) != about:
        pair = plan.predictors
        problems.append(Problem(where, line, f"only {pair[0]} and {pair[1]} predict each other's rating; "
                                             f"'{group}' cannot predict '{about}'"))
    else:
        return about
    return "?"  # a bad question: the row is reported, and counts as neither kind


def _hint(word: str, choices: list[str]) -> str:
    hint = did_you_mean(word, choices)
    return hint if hint.startswith(" (") else ""
