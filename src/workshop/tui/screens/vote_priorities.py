"""The vote screen's part in the priorities round: x opens it, and n after the last principle does."""

from __future__ import annotations

from textual.binding import Binding

PRIORITY_KEYS = [Binding("x", "priorities", "Priorities", id="vote.priorities")]


class PriorityKeys:
    """Mixed into the vote screen (self.live is its running session)."""

    def priority_action(self, action: str) -> bool:
        """check_action for the priorities key (True for any other key): only where the plan has the round."""
        if action == "priorities":
            return self.live.plan.priorities
        return True

    def after_last(self) -> None:
        """n on the last principle: the priorities round when the plan has one, else the gap view."""
        if self.live.plan.priorities and not self.live.readonly:
            from .priorities import open_priorities

            open_priorities(self.app, self.live, finish=True)
        else:
            self.action_gap(finished=True)

    def action_priorities(self) -> None:
        if self.settled():
            from .priorities import open_priorities

            open_priorities(self.app, self.live)
