"""Pure results arithmetic: ballots -> per-group statistics, gaps, flags and session comparisons."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .model import Ballot, Plan, Principle, Scale

BLIND_SPOT = "blind spot"
SHARED_STRENGTH = "shared strength"
SHARED_CONCERN = "shared concern"
SPLIT = "split"
THIN = "thin"
FLAGS = (BLIND_SPOT, SHARED_STRENGTH, SHARED_CONCERN, SPLIT, THIN)

# Thresholds as fractions of the scale's range, so they mean the same on any scale.
BLIND_SPOT_GAP = 0.25
STRENGTH_TOP = 0.25
CONCERN_BOTTOM = 0.40
SPLIT_SD = 0.35  # a population sd this large means the group is itself divided
THIN_SCORES = 3


@dataclass(frozen=True)
class GroupStats:
    group: str
    n: int  # scores, don't knows excluded
    dont_know: int
    mean: float | None
    median: float | None
    sd: float | None
    counts: dict[int, int]  # every point of the scale, zeros included; empty when suppressed
    suppressed: bool = False

    @property
    def ballots(self) -> int:
        return self.n + self.dont_know


@dataclass(frozen=True)
class PrincipleResult:
    principle: Principle
    groups: dict[str, GroupStats]  # in the plan's group order
    gap: float | None  # the pair's second group's mean minus the first's
    flags: tuple[str, ...]  # about the compared pair only
    pair: tuple[str, ...] = ()  # the two compared groups (the plan's first two by default)
    # The perception round (perception.py): predicting group -> its perception; empty without the round.
    perceptions: dict = field(default_factory=dict)


def comments_shown(stats: GroupStats, min_group_size: int) -> bool:
    """Whether a group's comments on a principle may be shown: only where its result is, so a
    comment never points to one of a group too small to show ("too few to show" covers both)."""
    return stats.n >= max(min_group_size, 1)


def mean_from_tally(tally: dict[int | None, int], scale: Scale, min_group_size: int = 1) -> float | None:
    """A group's mean from its score counts, or None with no scores or too few to show (don't knows never count)."""
    n = total = 0
    for point in scale.points:
        count = tally.get(point, 0)
        n += count
        total += point * count
    return mean_from_sum(n, total, min_group_size)


def mean_from_sum(n: int, total: int, min_group_size: int = 1) -> float | None:
    """A group's mean from how many scores it has and their total, or None with none or too few to show."""
    # Too few scores: showing a mean could expose individual ballots.
    return total / n if n >= max(min_group_size, 1) else None


def stats_from_tally(group: str, tally: dict[int | None, int], scale: Scale, min_group_size: int = 1) -> GroupStats:
    """Statistics from how many ballots gave each score (None: don't know)."""
    dont_know = tally.get(None, 0)
    counts = {point: tally.get(point, 0) for point in scale.points}
    n = sum(counts.values())
    mean = mean_from_tally(tally, scale, min_group_size)
    if mean is None:
        return GroupStats(group, n, dont_know, None, None, None, {}, suppressed=n > 0)
    sd = math.sqrt(sum(c * (p - mean) ** 2 for p, c in counts.items()) / n)
    return GroupStats(group, n, dont_know, mean, _median(counts, n), sd, counts)


def _median(counts: dict[int, int], n: int) -> float:
    """The median of the scores described by counts (sorted by score), without expanding them."""
    lower, upper = (n - 1) // 2, n // 2  # the middle positions, 0-based
    seen, low_value = 0, None
    for point in sorted(counts):
        seen += counts[point]
        if low_value is None and seen > lower:
            low_value = point
        if seen > upper:
            return (low_value + point) / 2
    raise ValueError("no scores")


def gap(a: GroupStats | None, b: GroupStats | None) -> float | None:
    if a is None or b is None or a.mean is None or b.mean is None:
        return None
    return b.mean - a.mean


def flags(stats: Sequence[GroupStats], scale: Scale) -> tuple[str, ...]:
    """The flags of one principle, about the compared groups stats[0] and stats[1] only.

    Other groups in the room never make the pair's principle thin or split.
    """
    span = scale.range
    found: list[str] = []
    a, b = (stats[0], stats[1]) if len(stats) >= 2 else (None, None)
    g = gap(a, b)
    if g is not None and a.n >= THIN_SCORES and b.n >= THIN_SCORES and abs(g) >= BLIND_SPOT_GAP * span:
        found.append(BLIND_SPOT)
    if a is not None and a.mean is not None and b.mean is not None:
        if min(a.mean, b.mean) >= scale.max - STRENGTH_TOP * span:
            found.append(SHARED_STRENGTH)
        if max(a.mean, b.mean) <= scale.min + CONCERN_BOTTOM * span:
            found.append(SHARED_CONCERN)
    compared = list(stats[:2])
    if any(s.sd is not None and s.n >= THIN_SCORES and s.sd >= SPLIT_SD * span for s in compared):
        found.append(SPLIT)
    # A group too small to show is always thin: were it thin only below three scores, the flag would
    # tell how many scores a suppressed group had where min_group_size is above three.
    if any(s.suppressed or s.n < THIN_SCORES or s.dont_know > s.n for s in compared):
        found.append(THIN)
    return tuple(found)


def tally(ballots: Iterable[Ballot]) -> dict[tuple[str, str], dict[int | None, int]]:
    """How many ballots gave each score, per (principle, group)."""
    counts: dict[tuple[str, str], dict[int | None, int]] = {}
    for b in ballots:
        cell = counts.setdefault((b.principle_id, b.group), {})
        cell[b.score] = cell.get(b.score, 0) + 1
    return counts


def default_pair(plan: Plan) -> tuple[str, ...]:
    """The groups the gap is between unless the facilitator chooses: the plan's first two."""
    return tuple(g.id for g in plan.groups[:2])


def pairs(plan: Plan) -> list[tuple[str, str]]:
    """Every pair the gap can be between, the plan's first two first, in the plan's order."""
    ids = [g.id for g in plan.groups]
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]


def principle_result(principle: Principle, ballots: Iterable[Ballot], plan: Plan,
                     tallies: dict[tuple[str, str], dict[int | None, int]] | None = None,
                     pair: Sequence[str] | None = None) -> PrincipleResult:
    if tallies is None:
        tallies = tally(b for b in ballots if b.principle_id == principle.id)
    stats = {g.id: stats_from_tally(g.id, tallies.get((principle.id, g.id), {}), plan.scale, plan.min_group_size)
             for g in plan.groups}
    return with_pair(PrincipleResult(principle, stats, None, ()), tuple(pair or default_pair(plan)), plan.scale)


def with_pair(result: PrincipleResult, pair: tuple[str, ...], scale: Scale) -> PrincipleResult:
    """The result with its gap and flags about another pair of its groups."""
    compared = [result.groups[g] for g in pair if g in result.groups]
    return PrincipleResult(
        result.principle,
        result.groups,
        gap(compared[0], compared[1]) if len(compared) >= 2 else None,
        flags(compared, scale) if len(compared) >= 2 else (),
        pair,
    )


def results(plan: Plan, ballots: Iterable[Ballot], pair: Sequence[str] | None = None) -> list[PrincipleResult]:
    """Every principle's result, in the plan's order."""
    return results_from_tallies(plan, tally(ballots), pair)


def results_from_tallies(plan: Plan, tallies: dict[tuple[str, str], dict[int | None, int]],
                         pair: Sequence[str] | None = None) -> list[PrincipleResult]:
    """Every principle's result from per (principle, group) score counts, in the plan's order."""
    return [principle_result(p, (), plan, tallies, pair) for p in plan.principles]


@dataclass(frozen=True)
class GroupChange:
    group: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class PrincipleChange:
    principle: Principle  # the later session's wording
    wording_changed: bool
    groups: dict[str, GroupChange]
    gap_before: float | None
    gap_after: float | None

    @property
    def gap_change(self) -> float | None:
        if self.gap_before is None or self.gap_after is None:
            return None
        return self.gap_after - self.gap_before


def compare(before: Sequence[PrincipleResult], after: Sequence[PrincipleResult],
            groups_before: Sequence[str], groups_after: Sequence[str]) -> list[PrincipleChange]:
    """Per principle present in both sessions (matched by id): each group's move and the gap's move.

    The gap is only compared when both sessions compare the same two groups in the same order.
    """
    earlier = {r.principle.id: r for r in before}
    same_pair = list(groups_before[:2]) == list(groups_after[:2])
    changes = []
    for now in after:
        then = earlier.get(now.principle.id)
        if then is None:
            continue
        shared = [g for g in groups_after if g in groups_before]
        changes.append(PrincipleChange(
            principle=now.principle,
            wording_changed=then.principle.statement != now.principle.statement,
            groups={g: GroupChange(g, then.groups[g].mean, now.groups[g].mean) for g in shared},
            gap_before=then.gap if same_pair else None,
            gap_after=now.gap if same_pair else None,
        ))
    return changes


def biggest_change(change: PrincipleChange) -> float:
    """How much a principle moved: the gap's change, else the largest group's change."""
    if change.gap_change is not None:
        return abs(change.gap_change)
    moves = [abs(g.change) for g in change.groups.values() if g.change is not None]
    return max(moves, default=-1.0)


def sort_by_change(changes: Sequence[PrincipleChange]) -> list[PrincipleChange]:
    return sorted(changes, key=biggest_change, reverse=True)


def summary(results: Sequence[PrincipleResult]) -> dict[str, list[tuple[int, PrincipleResult]]]:
    """The principles under each headline flag, numbered as in the plan."""
    return {flag: [(i, r) for i, r in enumerate(results, 1) if flag in r.flags]
            for flag in (SHARED_STRENGTH, SHARED_CONCERN, BLIND_SPOT)}


@dataclass(frozen=True)
class TrendPoint:
    """One principle in one session of a trend; asked False when that session did not include it."""

    session_id: str
    date: str
    means: dict[str, float | None]  # empty when not asked
    gap: float | None
    asked: bool = True


@dataclass(frozen=True)
class PrincipleTrend:
    principle: Principle  # the latest wording
    points: list[TrendPoint]  # one per session of the trend, oldest first, asked or not

    @property
    def gaps(self) -> list[float | None]:
        return [p.gap for p in self.points]


def trend(sessions: Sequence[tuple[str, str, Sequence[str], Sequence[PrincipleResult]]]) -> list[PrincipleTrend]:
    """Each principle's means and gap across sessions (id, date, groups, results), oldest first."""
    latest: dict[str, Principle] = {}
    for _, _, _, results in sorted(sessions, key=lambda s: s[1]):
        latest.update((r.principle.id, r.principle) for r in results)
    return trend_of_means([(sid, date, groups, {r.principle.id: ({g: s.mean for g, s in r.groups.items()}, r.gap)
                                                for r in results})
                           for sid, date, groups, results in sessions], latest.__getitem__)


def session_gap(means: dict[str, float | None], groups: Sequence[str]) -> float | None:
    """A session's gap on a principle from its shown means: its second group's minus its first's."""
    if len(groups) < 2:
        return None
    first, second = means.get(groups[0]), means.get(groups[1])
    return second - first if first is not None and second is not None else None


def trend_of_means(sessions: Sequence[tuple[str, str, Sequence[str], dict[str, tuple[dict[str, float | None], float | None]]]],
                   principle: Callable[[str], Principle]) -> list[PrincipleTrend]:
    """Each principle's trend from every session's (id, date, groups, {principle: ({group: mean}, gap)}).

    Every principle gets one point per session, so the points line up with the sessions; a session
    that did not include the principle gives a point with asked=False and no gap. Gaps are only
    drawn for sessions comparing the same first two groups as the latest one. Sessions on the same
    date keep the order they were given in. principle(id) gives the wording to show, the latest.
    """
    ordered = sorted(sessions, key=lambda s: s[1])
    if not ordered:
        return []
    pair = list(ordered[-1][2][:2])
    rated: dict[str, dict[int, TrendPoint]] = {}  # principle id -> session index -> point
    for i, (sid, date, groups, results) in enumerate(ordered):
        same = list(groups[:2]) == pair
        for pid, (means, gap_) in results.items():
            rated.setdefault(pid, {})[i] = TrendPoint(sid, date, means, gap_ if same else None)
    return [PrincipleTrend(principle(pid), [by_session.get(i) or TrendPoint(sid, date, {}, None, asked=False)
                                            for i, (sid, date, _, _) in enumerate(ordered)])
            for pid, by_session in rated.items()]


def sparkline(values: Sequence[float | None], low: float, high: float) -> str:
    """Values as block heights between low and high, one character each; a missing value is a dot."""
    blocks = "▁▂▃▄▅▆▇█"
    span = (high - low) or 1
    return "".join("·" if v is None else blocks[min(7, max(0, round((v - low) / span * 7)))] for v in values)
