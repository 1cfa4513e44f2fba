"""Screens styled once when first shown, not twice.

Textual restyles every widget of a screen each time it is resumed, so that a screen coming back
picks up a theme or size that changed while it was hidden. The first resume comes straight after
the screen was mounted, when every widget has just been styled: on the Vote screen that second
pass was a third of the work before a resumed session's first frame.
"""

from __future__ import annotations

from textual import events


class StyledOnce:
    """Mixed in before Screen: the first resume keeps the styles the widgets were mounted with."""

    _shown_before: bool = False
    """Whether the screen has been resumed before (after that, every resume restyles, as Textual's do)."""

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False
        super()._on_screen_resume(event)
