"""Simulated participants for demos and benchmarks: they vote through the running session like a room."""

from __future__ import annotations

import random

from .running import LiveSession


class Simulator:
    """Simulated participants for demos and benchmarks: seeded, so a demo plays the same each time."""

    def __init__(self, live: LiveSession, seed: int = 2026, per_group: int = 8):
        self.live = live
        self.seed = seed
        self.per_group = per_group

    def _rng(self) -> random.Random:
        return random.Random(f"{self.seed}:{self.live.principle.id}:{sum(self.live.counts().values())}")

    def _leaning(self, group: str) -> float:
        """Where a group's scores centre on this principle: each side rates its own behaviour higher."""
        p = self.live.principle
        scale = self.live.plan.scale
        base = random.Random(f"{self.seed}:{p.id}:{group}").uniform(0.3, 0.7)
        if p.addressed_to in ("council", "vcs"):
            base += 0.2 if group == p.addressed_to else -0.2
        return scale.min + max(0.0, min(1.0, base)) * scale.range

    def step(self) -> bool:
        """Cast one simulated ballot into the open principle; False once everyone has voted."""
        live = self.live
        if live.revealed:
            return False
        rng = self._rng()
        if "roster" in live.plan.modes and live.plan.roster and "cards" not in live.plan.modes:
            waiting = [s for s in live.seats() if not s.voted]
            if not waiting:
                return False
            seat = waiting[0]
            live.vote(seat.index, self._score(seat.group, rng))
            return True
        counts = live.counts()
        open_groups = [g.id for g in live.groups[:2] if counts.get(g.id, 0) < self.per_group]
        if not open_groups:
            return False
        # Alternate between the sides so both fill up together, as cards do in a room.
        group = open_groups[sum(counts.values()) % len(open_groups)]
        score = self._score(group, rng)
        live.set_cards(group, score, live.card_counts().get((group, score), 0) + 1)
        return True

    def _score(self, group: str, rng: random.Random) -> int | None:
        scale = self.live.plan.scale
        if scale.dont_know and rng.random() < 0.08:
            return None
        value = round(rng.gauss(self._leaning(group), scale.range / 5))
        return max(scale.min, min(scale.max, value))
