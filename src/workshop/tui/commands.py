"""The command palette (ctrl+p): the workshop's own commands, and only those.

Every key of the current screen with an id is a command, named by its description; Textual's own
entries (its theme list, focus moves, copying) are left out: the app has its own light/dark toggle,
and a facilitator needs the workshop's actions, by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from .keys import is_command


def workshop_commands(screen: Screen) -> Iterator[SystemCommand]:
    """The commands that do something on screen now: each enabled key with an id, once per name."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding, node = active.binding, active.node
        if not (is_command(binding) and active.enabled and binding.description) or binding.description in seen:
            continue
        seen.add(binding.description)
        yield SystemCommand(binding.description, f"key: {binding.key_display or key}",
                            partial(screen.app.run_action, binding.action, node))


class WorkshopCommands(Provider):
    """The palette's only provider: the keys of the screen it was opened over, by name."""

    async def discover(self) -> Hits:
        for command in sorted(workshop_commands(self.screen), key=lambda c: c.title):
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in workshop_commands(self.screen):
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback, help=command.help)
