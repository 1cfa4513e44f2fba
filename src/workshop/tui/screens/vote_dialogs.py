"""What the vote screen opens: its dialogs, the gap view, and the way back to where the facilitator
came from. Each screen is imported when it is first asked for, so a resumed session's first frame
never loads them."""

from __future__ import annotations


class VoteDialogs:
    """Mixed into VoteScreen (self is the screen: self.live, settled(), go_to(), show_principle())."""

    def action_room(self) -> None:
        if self.settled():
            from .dialogs import ask_room_sizes

            ask_room_sizes(self, self.live, self.refresh_entry)

    async def action_note(self) -> None:
        if self.settled():
            # Awaited: the keys typed after `a` are handled once the dialog is on screen with its focus.
            from .note import NoteScreen

            await self.app.push_screen(NoteScreen(self.live), callback=lambda _: self.refresh_entry())

    def action_gap(self, finished: bool = False) -> None:
        if not self.settled():
            return
        if finished and not self.live.readonly:
            self.live.finish()
        if self.from_gap:
            self.app.pop_screen()  # opened from the gap view: go back to it
            return
        from .gap import GapScreen

        self.app.push_screen(GapScreen(self.live, over_vote=True), callback=self._back_from_gap)

    def _back_from_gap(self, position: int | None) -> None:
        if position is not None:
            self.go_to(position)
        else:
            self.show_principle()

    def action_jump(self) -> None:
        if self.settled():
            from .jump import JumpScreen

            self.app.push_screen(JumpScreen(self.live.total), callback=self.jump_to)

    def jump_to(self, number: int | None) -> None:
        """The jump dialog's answer, and a remote's jump: the principle's number, from 1."""
        if number is not None and 1 <= number <= self.live.total:
            self.go_to(number - 1)

    def action_back(self) -> None:
        """Escape: back where the facilitator came from; from a live principle only after asking."""
        if not self.settled():
            return
        if self.live.readonly:  # a finished or reviewed session: nothing live to leave
            self.app.back(leaving=self.live.id)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.back(leaving=self.live.id)

        from .dialogs import ConfirmScreen

        self.app.push_screen(ConfirmScreen(
            "Leave the live room for Home? Everything is saved; the session resumes here from Home.",
            yes="leave", no="stay"), callback=answered)

    def action_qr(self) -> None:
        if self.app.join_details():
            from .qr import QRScreen

            self.app.push_screen(QRScreen())

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen(self.live.session))

