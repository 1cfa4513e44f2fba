"""The priorities round's vocabulary: dots placed on a principle, and the tally a ranking is made from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dots:
    """Dots placed on one principle in the priorities round: by one participant, or (participant None)
    by a group on the wall, counted as cards are. Imported from VOTES.csv rows whose question is 'dots'."""

    principle_id: str
    group: str
    dots: int
    participant: str | None = None


@dataclass(frozen=True)
class DotTally:
    """The priorities round's dots as stored: all that its ranking needs, nobody's placement."""

    dots: dict[tuple[str, str], int] = field(default_factory=dict)  # (principle, group) -> dots, every mode
    placers: dict[str, int] = field(default_factory=dict)  # group -> participants who placed dots (roster, phones)
    wall: dict[str, int] = field(default_factory=dict)  # group -> dots counted on the wall (cards)
