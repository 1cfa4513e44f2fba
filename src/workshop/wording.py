"""How every number reads: rounding, signs, the gap in words, moves over time, "too few to show".

Every screen, command-line table and export words its numbers through these functions, so the
room, the report and the board read the same figure the same way. JSON keeps full precision.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

MINUS = "\u2212"  # a real minus sign: easier to read next to a number than a hyphen
DASH = "–"  # nothing to show
TOO_FEW = "too few to show"
NOT_ASKED = "·"  # a session that did not include the principle

# The arrows mean the same everywhere, and every output that shows them says so with this.
UP, DOWN, SAME = "↑", "↓", "="
ARROW_LEGEND = "↑ rated higher than before, ↓ lower, = no change at one decimal"
GAP_LEGEND = "a gap is wider or narrower when the two sides moved apart or closer"


def rounded(value: float | None, decimals: int = 1) -> float | None:
    """Rounded half away from zero, as people round by hand: 3.25 -> 3.3, -0.05 -> -0.1."""
    if value is None:
        return None
    return _round_text(repr(value), decimals)


@lru_cache(maxsize=1 << 16)
def _round_text(text: str, decimals: int) -> float:
    # Exact decimal arithmetic on the number as written, kept for the texts seen before: a trend of
    # 50 sessions rounds 21,000 times over a few hundred values. Keyed by the text, so -0.0 and 0.0
    # (equal as floats) each keep their own answer.
    return float(Decimal(text).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def for_data(value: float | None) -> float | None:
    """A number in a data file (JSON, CSV): three decimals, rounded half away from zero like the shown ones."""
    return rounded(value, 3)


def number(value: float | None, decimals: int = 1) -> str:
    """A mean as shown: 3.3 (a real minus sign when negative); a dash when there is none."""
    shown = rounded(value, decimals)
    if shown is None:
        return DASH
    if shown == 0:
        shown = 0.0  # never "-0.0"
    return f"{shown:.{decimals}f}".replace("-", MINUS)


def signed(value: float | None, decimals: int = 1) -> str:
    """A gap or a move with its sign: +0.2, −2.3, and 0.0 with no sign."""
    shown = rounded(value, decimals)
    if shown is None:
        return DASH
    if shown == 0:
        return f"{0:.{decimals}f}"
    return f"{shown:+.{decimals}f}".replace("-", MINUS)


def difference(first: float | None, second: float | None, decimals: int = 1) -> float | None:
    """second − first of the values as shown, so the room can check it by subtracting."""
    a, b = rounded(first, decimals), rounded(second, decimals)
    if a is None or b is None:
        return None
    return rounded(b - a, decimals)


def shown_gap(first_mean: float | None, second_mean: float | None) -> float | None:
    """The gap the screen shows: the difference of the two means as shown (one decimal)."""
    return difference(first_mean, second_mean)


def gap_words(first_mean: float | None, second_mean: float | None, first: str, second: str) -> str:
    """The gap as a sentence from the means shown: 'VCS rates this 1.4 lower than Council'."""
    gap = shown_gap(first_mean, second_mean)
    if gap is None:
        return "No gap to show yet"
    if gap == 0:
        return f"{second} and {first} rate this the same"
    return f"{second} {rates(second)} this {number(abs(gap))} {'lower' if gap < 0 else 'higher'} than {first}"


def rates(name: str) -> str:
    """'rates' after a group's name, or 'rate' after a plural one: 'Health partners rate this'."""
    return "rate" if _plural(name) else "rates"


def _plural(name: str) -> bool:
    """A group's name read as plural: its last word ends in s and is not an acronym (VCS, NHS)."""
    last = name.split()[-1] if name.split() else name
    return last.endswith("s") and not last.isupper()


def result_gap(result) -> float | None:
    """A principle result's gap as shown: the difference of its compared pair's shown means."""
    if len(result.pair) < 2:
        return None
    a, b = (result.groups[g] for g in result.pair[:2])
    return shown_gap(a.mean, b.mean)


def result_gap_words(result, names: dict[str, str]) -> str:
    """A principle result's gap as a sentence, or why there is none, naming only the compared pair."""
    if len(result.pair) < 2:
        return "No gap to show"
    a, b = (result.groups[g] for g in result.pair[:2])
    first, second = names.get(a.group, a.group), names.get(b.group, b.group)
    if a.mean is not None and b.mean is not None:
        return gap_words(a.mean, b.mean, first, second)
    hidden = [names.get(s.group, s.group) for s in (a, b) if s.suppressed]
    if hidden:
        verb = "has" if len(hidden) == 1 and not _plural(hidden[0]) else "have"
        return f"No gap: {' and '.join(hidden)} {verb} too few scores to show"
    empty = [names.get(s.group, s.group) for s in (a, b) if not s.n]
    return f"No gap: no scores from {' or '.join(empty)} yet" if empty else "No gap to show yet"


def change_gaps(change, pair) -> tuple[float | None, float | None]:
    """A compared principle's gap then and now as shown: the difference of each session's shown means.

    None on a side with no gap (too few or no scores, or sessions that compared other groups).
    """
    if len(pair) < 2:
        return None, None
    a, b = (change.groups.get(g) for g in pair[:2])
    if a is None or b is None:
        return None, None
    before = None if change.gap_before is None else shown_gap(a.before, b.before)
    after = None if change.gap_after is None else shown_gap(a.after, b.after)
    return before, after


def point_gap(point, pair) -> float | None:
    """One session's gap in a trend as shown: the difference of that session's shown means."""
    if point.gap is None or len(pair) < 2:
        return None
    return shown_gap(point.means.get(pair[0]), point.means.get(pair[1]))


def pair_label(result_or_pair, names: dict[str, str]) -> str:
    """'VCS − Council': what the gap is, for a heading or a legend."""
    pair = getattr(result_or_pair, "pair", result_or_pair)
    if len(pair) < 2:
        return ""
    return f"{names.get(pair[1], pair[1])} {MINUS} {names.get(pair[0], pair[0])}"


def arrow(before: float | None, after: float | None) -> str:
    """↑ ↓ or = for how a mean moved, judged on the values as shown (one decimal)."""
    move = difference(before, after)
    if move is None:
        return ""
    return UP if move > 0 else DOWN if move < 0 else SAME


def gap_move(before: float | None, after: float | None) -> str:
    """'wider', 'narrower' or 'same' for how a gap moved, judged on the gaps as shown.

    A gap that changes side (the other group now rates higher) adds 'reversed'.
    """
    then, now = rounded(before), rounded(after)
    if then is None or now is None:
        return ""
    words = "wider" if abs(now) > abs(then) else "narrower" if abs(now) < abs(then) else "same"
    if then * now < 0:
        words += ", reversed"
    return words


def move(before: float | None, after: float | None, *, gap: bool = False) -> str:
    """A move over time in one cell: '4.3 → 3.5 ↓ −0.8', or for a gap '−1.0 → −2.0 wider by 1.0'."""
    if before is None and after is None:
        return DASH
    show = signed if gap else number
    text = f"{show(before)} → {show(after)}"
    if before is None or after is None:
        return text
    if gap:
        words = gap_move(before, after)
        size = abs(abs(rounded(after)) - abs(rounded(before)))
        if words.startswith("same"):
            return f"{text} {words}"
        first, _, rest = words.partition(",")
        return f"{text} {first} by {number(size)}" + (f",{rest}" if rest else "")
    return f"{text} {arrow(before, after)} {signed(difference(before, after))}"


def move_parts(before: float | None, after: float | None, *, gap: bool = False) -> tuple[str, str]:
    """move() in two parts, for a cell that sets them apart: ('−1.0 → −2.0', 'wider by 1.0')."""
    then, _, rest = move(before, after, gap=gap).partition(" → ")
    now, _, how = rest.partition(" ")
    return (f"{then} → {now}" if rest else then), how


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 ballot', '3 ballots': the count with its noun agreeing."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def duration(seconds: int) -> str:
    """A time box in words: '45 s', '4 min', '2 min 30 s'."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def clock(seconds: int) -> str:
    """A time box's seconds as a clock: 4:05, -0:30."""
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def time_left_words(left: int) -> str:
    """What is left of a principle's time box, as the projector and the remote say it: '4:05 left'."""
    return f"{clock(left)} left" if left >= 0 else f"over by {clock(-left)}"


def owner_due(owner: str | None, due: str | None, *more: str | None) -> str:
    """An action's owner and due date (and anything after them) in one phrase: 'VCS, due 2027-03-01'."""
    return ", ".join(x for x in (owner, f"due {due}" if due else None, *more) if x)


# --- what a principle is about, and who can judge it -------------------------------------------

ADDRESSED = {"council": "the council", "vcs": "the VCS", "both": "both sides"}


def about(principle) -> str:
    """'about the council': whose behaviour the statement describes."""
    return f"about {ADDRESSED.get(principle.addressed_to, principle.addressed_to)}"


def answered_by(principle, names: dict[str, str]) -> str:
    """'for VCS to answer' when only one side can judge the statement from where it sits; else ''."""
    who = principle.who_can_answer
    return f"for {names.get(who) or ADDRESSED.get(who, who)} to answer" if who else ""


def fact_answer(fact) -> str:
    """A recorded fact's answer as a report prints it: Yes, No, Not checked."""
    return fact.answer_text.capitalize()


# --- the perception round: what each side expected of the other -----------------------------

def perception_error(perception) -> float | None:
    """How far a side's prediction was off, as shown: its shown mean minus the other side's shown mean."""
    return difference(perception.actual, perception.mean)


def perception_words(perception, names: dict[str, str]) -> str:
    """'Council expected VCS to rate this 3.8; VCS rated it 1.5', or why there is nothing to say."""
    side, other = names.get(perception.group, perception.group), names.get(perception.about, perception.about)
    if perception.suppressed:
        return f"{side}'s predictions of {other}: {TOO_FEW}"
    if perception.mean is None and perception.dont_know:
        unknown = plural(perception.dont_know, "don't know", "don't knows")
        return f"{side} could not say how {other} {rates(other)} this ({unknown})"
    if perception.mean is None:
        return f"No predictions from {side} of how {other} {rates(other)} this"
    expected = f"{side} expected {other} to rate this {number(perception.mean)}"
    if perception.actual is None:
        return f"{expected}; {other}'s own rating: {TOO_FEW if perception.actual_suppressed else 'no scores yet'}"
    return f"{expected}; {other} rated it {number(perception.actual)}"


def perception_cells(perception) -> tuple[str, str, str]:
    """(predicted, actual, off by) as table cells: '3.8', '1.5', '+2.3'; "too few to show" where suppressed."""
    predicted = TOO_FEW if perception.suppressed else number(perception.mean)
    actual = TOO_FEW if perception.actual_suppressed else number(perception.actual)
    return predicted, actual, signed(perception_error(perception))


def dots_cell(dots: int | None) -> str:
    """A group's dots on a principle as a cell reads: '4', or "too few to show" for a group placed
    by fewer people than min_group_size."""
    return TOO_FEW if dots is None else str(dots)


def priority_words(priority, names: dict[str, str]) -> str:
    """'7 dots: Council 4, VCS 3' — a principle's dots in the ranking, each group's beside the total."""
    groups = ", ".join(f"{names[g]} {dots_cell(n)}" for g, n in priority.dots.items())
    return f"{plural(priority.total, 'dot')}: {groups}"
