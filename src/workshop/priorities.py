"""Pure priorities arithmetic: the ranking of principles by the dots placed on them, overall and per group.

Highest total first; principles with the same total keep the plan's order, the order the room
rated them in. A group placed by fewer people than the plan's min_group_size shows "too few to
show" in place of its dots, and its dots are left out of every total too: a total that held them
would give them away (the total less the other groups' dots).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Plan, Principle
from .model import DotTally


@dataclass(frozen=True)
class Priority:
    """One principle's place in the ranking."""

    principle: Principle
    dots: dict[str, int | None]  # group -> dots placed on it; None: the group has too few people to show
    total: int  # the dots of every group shown
    rank: int  # 1 for the most dots; principles with the same total share a rank

    @property
    def id(self) -> str:
        return self.principle.id


def placers(plan: Plan, tally: DotTally) -> dict[str, int]:
    """How many people placed each group's dots: those who placed their own, plus, for dots counted
    on the wall, the fewest people who could have stuck them (each has plan.dots)."""
    allowance = max(plan.dots, 1)
    return {g.id: tally.placers.get(g.id, 0) + -(-tally.wall.get(g.id, 0) // allowance) for g in plan.groups}


def shown_groups(plan: Plan, tally: DotTally) -> dict[str, bool]:
    """Group -> whether its dots can be shown: placed by min_group_size people or more, or by nobody
    (no dots give nothing away)."""
    people = placers(plan, tally)
    return {g: n == 0 or n >= plan.min_group_size for g, n in people.items()}


def ranking(plan: Plan, tally: DotTally) -> list[Priority]:
    """Every principle of the plan, most dots first; equal totals in plan order."""
    shown = shown_groups(plan, tally)
    rows = []
    for principle in plan.principles:
        dots = {g.id: tally.dots.get((principle.id, g.id), 0) if shown[g.id] else None for g in plan.groups}
        rows.append((principle, dots, sum(n for n in dots.values() if n is not None)))
    rows.sort(key=lambda row: -row[2])  # stable: plan order among equals
    return [Priority(principle, dots, total, 1 + sum(other > total for _, _, other in rows))
            for principle, dots, total in rows]


def group_ranking(plan: Plan, priorities: list[Priority], group: str) -> list[Priority]:
    """The ranking by one group's dots alone, equal counts in plan order; the rank is within the
    group. Empty when that group's dots are too few to show."""
    order = {p.id: i for i, p in enumerate(plan.principles)}
    mine = sorted((p for p in priorities if p.dots.get(group) is not None), key=lambda p: (-p.dots[group], order[p.id]))
    return [Priority(p.principle, p.dots, p.total, 1 + sum(o.dots[group] > p.dots[group] for o in mine))
            for p in mine]


def placed(priorities: list[Priority]) -> list[Priority]:
    """Only the principles that got dots: what a ranking on screen lists."""
    return [p for p in priorities if p.total > 0]
