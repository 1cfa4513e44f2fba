"""The room in a running session: how many of each group are there, and the limit that sets.

Part of LiveSession. A count the facilitator types (cards, the wall's dots) may pass the room after
asking; a ballot from a roster seat or a phone never does once the lobby has counted the room (or an
anonymous roster session was resumed): a seat or a phone that has not answered yet is refused once
its group has as many ballots on the principle as it has people in the room, with a message saying
why (a changed answer is always taken).
"""

from __future__ import annotations

from ..store import BallotError, Store
from ..wording import plural


# Shown above an anonymous session's roster seats once it is resumed.
RESUMED_NOTE = ("This session was resumed: the seats start empty, but everything entered before is kept "
                "and counted. Don't enter it again.")


class RoomMixin:
    """Uses LiveSession's store, plan, id, groups, counts, card_counts and _write."""

    _room: dict[str, int | None] | None = None  # room_sizes, once read
    _counted: set[str] = frozenset()  # the groups whose room the lobby counted (not taken from the roster)

    def room_sizes(self) -> dict[str, int | None]:
        """How many of each group are in the room: as recorded, else the roster's seats, else unknown.
        Read once and kept as written (only this session's lobby records them), so a phone's ballot
        checks the room without a query."""
        if self._room is None:
            self._room = self._read_room()
        return dict(self._room)

    def _read_room(self) -> dict[str, int | None]:
        stored = self.store.room_sizes(self.id)
        self._counted = {g.id for g in self.groups if stored.get(g.id) is not None}
        seats = {g.id: sum(1 for s in self.plan.roster if s.group == g.id) for g in self.groups}
        return {g.id: stored.get(g.id) if stored.get(g.id) is not None else (seats[g.id] or None) for g in self.groups}

    def set_room_sizes(self, sizes: dict[str, int | None]) -> bool:
        def write() -> None:
            for group, size in sizes.items():
                self.store.set_room_size(self.id, group, size)
            self._room = self._read_room()  # as committed, replaced in one step

        return self._write("room size", write)

    def over_room(self, group: str, score: int | None, count: int) -> tuple[int, int] | None:
        """(ballots the group would have, people in the room) when a card count would pass the room."""
        size = self.room_sizes().get(group)
        if size is None:
            return None
        total = self.counts()[group] - self.card_counts().get((group, score), 0) + count
        return (total, size) if total > size else None

    @property
    def resumed(self) -> bool:
        """An anonymous session whose roster had already entered something when it was opened: its
        seats start empty (nothing stored says which seat gave which ballot), its ballots are kept."""
        return bool(self.plan.anonymous and self.plan.roster and self._entered_before)

    def room_limits(self, group: str) -> bool:
        """Whether the room limits how many ballots group's seats and phones may give (see room_full)."""
        return self.room_sizes().get(group) is not None and (group in self._counted or self.resumed)

    def room_full(self, principle_id: str, group: str, store: Store | None = None) -> str | None:
        """Why one more ballot from group on the principle would pass the room, or None when it fits.

        The room is what the lobby counted. Uncounted, the roster's seats stand for it only once an
        anonymous session is resumed (its seats forget what they gave): in a room that also raises
        cards or votes by phone, more people than the roster may be there, and their ballots count."""
        if not self.room_limits(group):
            return None
        size = self.room_sizes()[group]
        n = (store or self.store).ballot_counts(self.id, principle_id).get(group, 0)
        if n < size:
            return None
        return (f"{self.plan.group(group).name} already has {plural(n, 'ballot')} on this principle, as many as "
                f"{plural(size, 'person', 'people')} in the room")

    def check_room(self, principle_id: str, group: str, participant_id: str | None, store: Store | None = None,
                   words: str = "") -> None:
        """BallotError when a new ballot (not a change of one already in) would pass the room."""
        db = store or self.store
        if participant_id and db.current_ballot(self.id, principle_id, participant_id) is not None:
            return
        why = self.room_full(principle_id, group, store)
        if why:
            raise BallotError(why + words)
