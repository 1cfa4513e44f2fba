"""What a note or an action typed in the room must be: one rule for the laptop's dialog and the remote.

Text is required; an owner or a due date makes it an action; a due date is a day, YYYY-MM-DD. Both
the note dialog (tui/screens/note.py) and the facilitator's remote (web/remote_floor.py) check here,
so the same entry is refused with the same words wherever it is typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

EMPTY = "Type the note or action first"
BAD_DUE = "Due date must be YYYY-MM-DD, like 2027-03-31"
NOT_A_DAY = "Due date {due} is not a day in the calendar; check the month and the day"
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # as the store keeps it (Python also reads 20270331)
MAX_ENTRY = 2000  # characters in any one field: more than a room says in one breath


class EntryError(ValueError):
    """A note or action that cannot be saved; field names the box to fix (text, owner or due)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Entry:
    """A note (is_action False) or an action, as it is stored: every field stripped."""

    text: str
    owner: str = ""
    due: str = ""
    is_action: bool = False


def owner_named(owner: str, groups: Mapping[str, str]) -> str:
    """An owner typed as a group, in any case ('council', 'VCS'), as the name the room knows the
    group by (groups: id -> name), so every report and list writes it the same way; others as typed."""
    named = {key.casefold(): name for gid, name in groups.items() for key in (gid, name)}
    return named.get(owner.casefold(), owner)


def checked_entry(text: object, owner: object = "", due: object = "", *, action: bool = False) -> Entry:
    """The entry to store, or EntryError saying what to fix (the dialog's own words)."""
    fields = {}
    for name, value in (("text", text), ("owner", owner), ("due", due)):
        if not isinstance(value, str):
            value = "" if value is None else None
        if value is None:
            raise EntryError(f"the {name} must be text", name)
        if len(value) > MAX_ENTRY:
            raise EntryError(f"the {name} is {len(value):,} characters long; keep it to {MAX_ENTRY:,} at most", name)
        fields[name] = value.strip()
    if not fields["text"]:
        raise EntryError(EMPTY, "text")
    is_action = bool(action or fields["owner"] or fields["due"])
    if is_action and fields["due"]:
        if not DAY.match(fields["due"]):
            raise EntryError(BAD_DUE, "due")
        try:
            dt.date.fromisoformat(fields["due"])
        except ValueError:
            raise EntryError(NOT_A_DAY.format(due=fields["due"]), "due") from None
    return Entry(fields["text"], fields["owner"] if is_action else "", fields["due"] if is_action else "", is_action)
