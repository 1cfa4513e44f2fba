"""What the reports say, whatever they are rendered as: turnout, headlines, the compared pair, moves.

The Markdown, HTML and Excel renderers lay this out; how each number reads is wording.py's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analytics import (
    BLIND_SPOT, SHARED_CONCERN, SHARED_STRENGTH, GroupStats, comments_shown, default_pair, sparkline, summary,
)
from ..model import group_name
from ..perception import MISREAD, is_misread
from ..priorities import placed
from ..wording import (
    ARROW_LEGEND, DASH, GAP_LEGEND, NOT_ASKED, TOO_FEW, about, answered_by, change_gaps, dots_cell, number,
    pair_label, perception_words, plural, point_gap, result_gap_words, signed,
)

SUMMARY_HEADINGS = {SHARED_STRENGTH: "Shared strengths", SHARED_CONCERN: "Shared concerns", BLIND_SPOT: "Blind spots"}
SUMMARY_EMPTY = {SHARED_STRENGTH: "No principle has both groups in the top quarter of the scale.",
                 SHARED_CONCERN: "No principle has both groups in the bottom 40% of the scale.",
                 BLIND_SPOT: "No principle has a gap of a quarter of the scale or more."}
MOVE_LEGEND = f"Each group's mean then → now: {ARROW_LEGEND}; {GAP_LEGEND}."
# After a compared statement whose wording changed between the two sessions, in every output that compares.
WORDING_MARK = "†"
WORDING_LEGEND = f"{WORDING_MARK} marks a principle whose wording changed."


# Sentences every report says alike, in Markdown and in HTML.
LOCAL_PRINCIPLE = "A local principle, added by this plan."
FACTS_NOTE = "Recorded in the plan before the workshop, not rated."
ANONYMOUS_NOTE = "Ballots were anonymous: this report holds no names."
NO_NOTES = "No notes."
NO_ACTIONS = "No actions."
NONE_IN_BOTH = "No principle was asked in both sessions."
COMMENTS_NOTE = ("Comments the facilitator approved, each with the side it came from and nothing else; "
                 f"a side with too few scores on a principle shows '{TOO_FEW}' instead of its comments.")


@dataclass(frozen=True)
class PrincipleComments:
    """The approved comments on one principle as every report shows them: (group id, text) in the
    plan's group order, text None once for a group too small on that principle to show its comments."""

    number: int
    result: object  # the PrincipleResult
    comments: tuple[tuple[str, str | None], ...]


def principle_comments(record) -> list[PrincipleComments]:
    """Each principle with approved comments, in plan order; empty when none were approved."""
    by_principle: dict[str, list] = {}
    for c in record.comments:
        by_principle.setdefault(c.principle_id, []).append(c)
    found = []
    for i, r in enumerate(record.results, 1):
        mine = by_principle.get(r.principle.id)
        if not mine:
            continue
        shown: list[tuple[str, str | None]] = []
        for group, stats in r.groups.items():
            texts = sorted(c.text for c in mine if c.group == group)
            if texts and not comments_shown(stats, record.plan.min_group_size):
                shown.append((group, None))  # not even how many: a small group's words stay unsaid
            else:
                shown += [(group, t) for t in texts]
        found.append(PrincipleComments(i, r, tuple(shown)))
    return found


def comment_text(text: str | None) -> str:
    """A comment as reports print it; a group too small to show gets the one wording for that."""
    return TOO_FEW if text is None else text


def stats_text(stats: GroupStats) -> str:
    """One group's result in a few words: '4.3 (n 3, 1 dk)', 'too few to show', 'no scores'."""
    if stats.suppressed:
        return TOO_FEW
    dk = f", {stats.dont_know} dk" if stats.dont_know else ""
    if stats.mean is None:
        return f"no scores ({stats.dont_know} dk)" if stats.dont_know else "no ballots"
    return f"{number(stats.mean)} (n {stats.n}{dk})"


def name_of(plan, group_id: str) -> str:
    return plan.group_names.get(group_id) or group_name(group_id)


def numbers(plan) -> dict[str, int]:
    """Principle id -> its number in the plan (1-based), as the room saw it."""
    return {p.id: i for i, p in enumerate(plan.principles, 1)}


def principle_meta(plan, principle) -> str:
    """'Theme: Funding and grants · about the council · for VCS to answer' under a principle's statement."""
    parts = [f"Theme: {plan.theme_title(principle.theme)}", about(principle), answered_by(principle, plan.group_names)]
    return " · ".join(x for x in parts if x)


# --- the compared pair ------------------------------------------------------------------------

def pair_of(record) -> tuple[str, ...]:
    """The two groups a session's gaps are between: its results' pair, the plan's first two by default."""
    return record.results[0].pair if record.results else default_pair(record.plan)


def pair_names(plan, pair) -> tuple[str, str]:
    """(first, second) group names of a pair: the gap is second − first."""
    if len(pair) < 2:
        return "first group", "second group"
    return name_of(plan, pair[0]), name_of(plan, pair[1])


def gap_heading(plan, pair) -> str:
    """'Gap = VCS − Council': what a report's gap column or chart is."""
    label = pair_label(pair, plan.group_names)
    return f"Gap = {label}" if label else "Gap"


def gap_explained(plan, pair) -> str:
    """The sentence under a session's table or chart of gaps."""
    first, second = pair_names(plan, pair)
    more = len(plan.groups) > 2
    return (f"{gap_heading(plan, pair)}: {second}'s mean minus {first}'s, each as shown (one decimal)."
            + (" Flags are about these two groups only." if more else ""))


# --- who took part and the summary ------------------------------------------------------------

@dataclass(frozen=True)
class Turnout:
    group: str  # display name
    ballots: int  # scores and don't knows on every principle
    most: int  # the most ballots on one principle: about how many people were in the group
    names: tuple[str, ...]  # only ever filled for a named session


def turnout(record) -> list[Turnout]:
    """Who took part, per group. Names come only from a named session's participants."""
    plan = record.plan
    named: dict[str, set[str]] = {}
    if not plan.anonymous:
        for b in record.ballots:
            name = record.names.get(b.participant or "")
            if name:
                named.setdefault(b.group, set()).add(name)
    rows = []
    for g in plan.groups:
        counts = [r.groups[g.id].ballots for r in record.results if g.id in r.groups]
        rows.append(Turnout(g.name, sum(counts), max(counts, default=0), tuple(sorted(named.get(g.id, ())))))
    return rows


def turnout_text(t: Turnout) -> str:
    if not t.ballots:
        return f"{t.group}: no ballots"
    text = f"{t.group}: {t.ballots} ballot{'s' * (t.ballots != 1)}, up to {t.most} on one principle"
    return text + (f" ({', '.join(t.names)})" if t.names else "")


def details(record) -> list[tuple[str, str]]:
    """The title block's lines as (label, value), leaving out what the plan did not give."""
    plan, s = record.plan, record.session
    rows = [("Date", f"{plan.date.day} {plan.date:%B %Y}"), ("Place", plan.place), ("Locality", plan.locality),
            ("Facilitator", plan.facilitator),
            ("Voting", ("anonymous" if plan.anonymous else "named")
             + (f"; groups with fewer than {plan.min_group_size} scores are not shown"
                if plan.min_group_size > 1 else "")),
            ("Scale", scale_text(plan.scale)),
            ("Session", f"{s.id} ({s.status})")]
    return [(k, v) for k, v in rows if v]


def scale_text(scale) -> str:
    labels = ", ".join(f"{k} {v}" for k, v in sorted(scale.labels.items()))
    return f"{scale.min} to {scale.max}" + (f" ({labels})" if labels else "") + (
        "; don't know is counted, never averaged" if scale.dont_know else "")


def headlines(results) -> dict[str, list]:
    """The summary's three lists, numbered as in the plan; blind spots widest gap first."""
    found = summary(results)
    found[BLIND_SPOT] = sorted(found[BLIND_SPOT], key=lambda item: -abs(item[1].gap or 0))
    return found


def summary_line(plan, number_: int, result) -> tuple[str, str]:
    """(principle, what the groups said) for one entry of the summary: every group's mean."""
    means = ", ".join(f"{name_of(plan, g)} {stats_text(s)}" for g, s in result.groups.items())
    said = (result_gap_words(result, plan.group_names) + "; " if BLIND_SPOT in result.flags else "") + means
    return f"{number_}. {result.principle.statement}", said


# --- the perception round ---------------------------------------------------------------------

PERCEPTION_HEADING = "How each side saw the other"
PERCEPTION_NOTE = ("Before the reveal each side also predicted how the other would rate each principle. "
                   "Misread: a side's predictions were off the other side's mean by a quarter of the scale "
                   "or more (from 3 or more predictions).")
NO_MISREAD = "No side misread the other on any principle."
OTHERS_HEADING = "The other principles"  # after the misread ones, which are not repeated
ALL_HEADING = "Each principle"  # when none was misread


def perception_sentences(plan, result) -> list[str]:
    """Each side's expectation of the other beside what the other said, in words; '(misread)' where it was."""
    return [perception_words(p, plan.group_names) + (" (misread)" if is_misread(p, plan.scale) else "")
            for p in result.perceptions.values()]


def misread_sides(plan, result) -> list[str]:
    """Who misread whom on one principle ('Council misread VCS'): the HTML report's summary says
    this much and leaves the figures to the principle's own section, so neither is said twice."""
    names = plan.group_names
    return [f"{names.get(p.group, p.group)} misread {names.get(p.about, p.about)}"
            for p in result.perceptions.values() if is_misread(p, plan.scale)]


def misread(record) -> list[tuple[int, object, list[str]]]:
    """(number, result, sentences) for every principle flagged misread, in the plan's order."""
    return [(i, r, perception_sentences(record.plan, r)) for i, r in enumerate(record.results, 1)
            if MISREAD in r.flags]


# --- the priorities round ---------------------------------------------------------------------

PRIORITIES_HEADING = "Priorities"
NO_PRIORITIES = "No dots were placed."


def priorities_note(plan) -> str:
    """What the ranking is, said the same in every report."""
    return (f"At the end each participant placed {plural(plan.dots, 'dot')} on the principles to act on first. "
            f"Most dots first; equal totals in the plan's order. A side whose dots came from fewer than "
            f"{plan.min_group_size} people shows '{TOO_FEW}' and is left out of the totals.")


@dataclass(frozen=True)
class PriorityRow:
    """One principle of the ranking as every report shows it (only principles that got dots)."""

    rank: int
    number: int  # the principle's number in the plan
    principle: object  # the Principle
    dots: tuple[str, ...]  # each group's dots in the plan's group order, or "too few to show"
    total: int
    values: tuple[int | None, ...] = ()  # the same as numbers, None where too few to show


def priority_rows(record) -> list[PriorityRow]:
    nums = numbers(record.plan)
    return [PriorityRow(p.rank, nums[p.id], p.principle, tuple(dots_cell(n) for n in p.dots.values()), p.total,
                        tuple(p.dots.values())) for p in placed(list(record.priorities))]


# --- comparisons ------------------------------------------------------------------------------

def comparison_pair(comparison) -> tuple[str, ...]:
    """The pair a comparison's gaps are between: the later session's (analytics compares the same two only)."""
    return pair_of(comparison.after)


def comparison_groups(comparison) -> list:
    """The later plan's groups that the comparison has a move for, every one of them."""
    plan = comparison.after.plan
    return [g for g in plan.groups if any(g.id in c.groups for c in comparison.changes)] or list(plan.groups)


def comparison_rows(comparison):
    """(number, change, earlier wording or None, gaps then and now as shown) per principle, biggest change first."""
    nums = numbers(comparison.after.plan)
    pair = comparison_pair(comparison)
    earlier = {r.principle.id: r.principle.statement for r in comparison.before.results}
    return [(nums.get(c.principle.id, 0), c, earlier.get(c.principle.id) if c.wording_changed else None,
             change_gaps(c, pair)) for c in comparison.changes]


def comparison_explained(comparison) -> str:
    """What the comparison's table shows, with what its arrows and gap words mean."""
    plan = comparison.after.plan
    return f"{MOVE_LEGEND} {gap_heading(plan, comparison_pair(comparison))}. Biggest change first."


def only_in(comparison) -> tuple[list[str], list[str]]:
    """Statements asked in only the earlier, or only the later, session."""
    before = {r.principle.id: r.principle.statement for r in comparison.before.results}
    after = {r.principle.id: r.principle.statement for r in comparison.after.results}
    return [s for k, s in before.items() if k not in after], [s for k, s in after.items() if k not in before]


def session_label(record) -> str:
    return f"{record.plan.title}, {record.plan.date.isoformat()}"


# --- trends -----------------------------------------------------------------------------------

def trend_pair(trend) -> tuple[str, ...]:
    return tuple(g.id for g in trend.groups[:2])


def trend_gap_heading(trend) -> str:
    label = pair_label(trend_pair(trend), {g.id: g.name for g in trend.groups})
    return f"Gap = {label}" if label else "Gap"


def trend_gaps(trend, principle_trend) -> list[float | None]:
    """A principle's gap in each session as shown, oldest first."""
    pair = trend_pair(trend)
    return [point_gap(p, pair) for p in principle_trend.points]


def trend_sparkline(trend, principle_trend, gaps: list[float | None]) -> str:
    """The principle's trend_gaps as block heights, with the same marks as trend_values where there
    is no block to draw."""
    lo, hi = trend.scale_range
    line = sparkline(gaps, lo - hi, hi - lo)
    return "".join(mark if gap is not None else (DASH if point.asked else NOT_ASKED)
                   for mark, gap, point in zip(line, gaps, principle_trend.points))


def trend_row(trend, principle_trend) -> tuple[list[str], str]:
    """A principle's trend_values and its trend_sparkline, its gaps found once: a trend of fifty
    sessions shows 3,000 of them, and finding each twice was most of its drawing."""
    gaps = trend_gaps(trend, principle_trend)
    return trend_values(principle_trend, gaps), trend_sparkline(trend, principle_trend, gaps)


def trend_values(principle_trend, gaps: list[float | None]) -> list[str]:
    """The principle's gap in each session, from its trend_gaps: a signed number, – for no gap,
    · for not asked."""
    return [signed(gap) if point.asked else NOT_ASKED for gap, point in zip(gaps, principle_trend.points)]


TREND_LEGEND = f"{DASH} no gap to show (too few or no scores); {NOT_ASKED} the session did not include the principle"
