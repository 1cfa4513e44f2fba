"""Pure perception arithmetic: each side's prediction of the other side's rating, and 'misread'.

Predictions are tallied apart from ballots and only ever compared with the other side's real
mean: nothing here touches a group's own statistics, so a prediction can never move them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .analytics import PrincipleResult, stats_from_tally
from .model import Plan, Prediction, Scale

MISREAD = "misread"
MISREAD_ERROR = 0.25  # of the scale's range: a prediction this far off the real mean is a misreading
MISREAD_PREDICTIONS = 3  # fewer predictions than this never make a principle misread
# Means are ratios of whole numbers: a difference that is exactly a quarter of the range must not
# fall short of it by a rounding error in the last bit.
_TOLERANCE = 1e-9

# (principle, predicting group, group predicted about) -> how many predictions gave each score
PredictionTallies = dict[tuple[str, str, str], dict[int | None, int]]


@dataclass(frozen=True)
class Perception:
    """What one side predicted the other would say on one principle, beside what it did say."""

    group: str  # the side that predicted
    about: str  # the side predicted about
    n: int  # predictions with a score (don't knows excluded)
    dont_know: int
    mean: float | None  # None with no predictions, or too few to show
    actual: float | None  # the other side's real mean, None when it has none to show
    suppressed: bool = False  # fewer predictions than min_group_size
    actual_suppressed: bool = False  # the other side has too few scores to show its mean

    @property
    def error(self) -> float | None:
        """How far the prediction was off: predicted mean minus the real one."""
        return None if self.mean is None or self.actual is None else self.mean - self.actual


def is_misread(p: Perception, scale: Scale) -> bool:
    """A side misread the other: 3+ predictions whose mean is off the real mean by a quarter of the range or more."""
    error = p.error
    return (error is not None and p.n >= MISREAD_PREDICTIONS
            and abs(error) >= MISREAD_ERROR * scale.range - _TOLERANCE)


def tally_predictions(predictions: Iterable[Prediction]) -> PredictionTallies:
    counts: PredictionTallies = {}
    for p in predictions:
        cell = counts.setdefault((p.principle_id, p.group, p.about), {})
        cell[p.score] = cell.get(p.score, 0) + 1
    return counts


def perceptions(result: PrincipleResult, tallies: PredictionTallies, plan: Plan) -> dict[str, Perception]:
    """Each predicting side's perception of the other on result's principle, in the plan's order."""
    found = {}
    for group in plan.predictors:
        about = plan.predicts_about(group)
        stats = stats_from_tally(group, tallies.get((result.principle.id, group, about), {}), plan.scale,
                                 plan.min_group_size)
        other = result.groups.get(about)
        found[group] = Perception(group, about, stats.n, stats.dont_know, stats.mean,
                                  other.mean if other else None, stats.suppressed, bool(other and other.suppressed))
    return found


def with_perceptions(results: Sequence[PrincipleResult], tallies: PredictionTallies,
                     plan: Plan) -> list[PrincipleResult]:
    """The results with their perceptions, and 'misread' among the flags where a side misread the other.

    The flag is about the compared pair, like every flag: it shows while the gap is between the
    two predicting sides. A plan without the perception round gets its results back unchanged.
    """
    if not plan.perception:
        return list(results)
    out = []
    for r in results:
        found = perceptions(r, tallies, plan)
        misread = set(r.pair[:2]) == set(plan.predictors) and any(is_misread(p, plan.scale) for p in found.values())
        out.append(dataclasses.replace(r, perceptions=found, flags=r.flags + ((MISREAD,) if misread else ())))
    return out
