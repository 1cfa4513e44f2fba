"""How keys explain themselves: families of keys the help shows as one line, and screens that
explain the keys of the widgets they hold. The help screen and the command palette read these."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class KeyFamily(Binding.Group):
    """Keys that do one thing between them (the digits, the arrows): one line in the help.

    description says what they do; keys is how the help names them ("digits", "arrows", "1 … 9").
    """

    keys: str = ""


class ExplainsKeys:
    """A screen whose widgets have keys of their own that its help lists after the screen's."""

    def explained_keys(self) -> list[Binding]:
        """The widgets' bindings that apply now, in the order the help lists them."""
        return []


def is_command(binding: Binding) -> bool:
    """The workshop's own keys have an id (Textual's do not): those are its commands."""
    return binding.id is not None
