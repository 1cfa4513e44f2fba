"""The app's side of the facilitator's remote: asking before a device pairs, and running its presses
as the keys they stand for, on the screen the projector shows (never touching widgets from the server)."""

from __future__ import annotations

import asyncio
import logging

from .messages import RemoteAsked, RemoteCommand

log = logging.getLogger("workshop.tui")

BEGIN_TRIES = 100  # × 20 ms
WORDS = {"next": "next", "previous": "previous", "reveal": "reveal", "reopen": "reopen"}


class RemoteControl:
    """Mixed into WorkshopApp (self is the app; self.phone_server the running phone server)."""

    def connect_remotes(self, server) -> None:
        server.remote.remotes.asked = lambda pairing: self.post_message(RemoteAsked(pairing))
        server.remote.drive = self.drive_from_remote

    async def drive_from_remote(self, action: str, detail: tuple = ()) -> str:
        """Called by the server: the press goes to the app as a message, and the answer comes back."""
        done = asyncio.get_running_loop().create_future()
        self.post_message(RemoteCommand(action, done, detail))
        return await done

    def on_remote_asked(self, message: RemoteAsked) -> None:
        from .screens.remotes import PairScreen

        pairing, server = message.pairing, self.phone_server

        def answered(yes: bool | None) -> None:
            if server is not None:
                server.remote.remotes.decide(pairing, bool(yes))
            self.notify("Paired: finish on the device" if yes else "Not paired")

        self.push_screen(PairScreen(pairing.code), callback=answered)

    async def on_remote_command(self, message: RemoteCommand) -> None:
        try:
            refused = (self.count_from_remote(*message.detail) if message.action == "cards"
                       else await self.run_remote(message.action))
        except Exception:
            log.exception("a remote's %s failed", message.action)
            refused = "that did not work on the laptop; look at the laptop"
        if not message.done.done():
            message.done.set_result(refused)

    async def run_remote(self, action: str) -> str:
        """Run the key for action on the screen on top, as the keyboard would: "" when done, else why not."""
        from .screens.lobby import LobbyScreen
        from .screens.vote import VoteScreen

        screen = self.screen
        if isinstance(screen, LobbyScreen) and action == "next":
            action = "begin"  # the lobby's Enter: the first principle opens
        elif not isinstance(screen, VoteScreen):
            return "the laptop shows a dialog or another screen; finish there first"
        live = screen.live
        if live.readonly or screen.check_action(action, ()) is False:
            return f"{WORDS.get(action, action)} is not possible now"
        before = (live.position, live.state())
        await screen.run_action(action)
        if action == "begin":  # the vote screen opens the first principle as it mounts: answer after that
            for _ in range(BEGIN_TRIES):
                if live.state() != "pending":
                    break
                await asyncio.sleep(0.02)
        if action == "next" and self.screen is screen and (live.position, live.state()) == before:
            return "not revealed yet: reveal first, or press Next again to move on"
        return ""

    def count_from_remote(self, principle: str, group: str, cells: tuple) -> str:
        """Cards counted on the remote, stored as the laptop's grid stores a typed count (the last
        count committed wins, and the laptop's grid shows it); a count that would pass the people
        in the room is refused here, where the laptop would ask."""
        from .screens.ballot_entry import over_room_words
        from .screens.vote import VoteScreen

        screen = self.screen
        if not isinstance(screen, VoteScreen):
            return "the laptop shows a dialog or another screen; finish there first"
        live = screen.live
        if live.readonly or live.revealed or not ("cards" in screen.modes or screen.entry == "cards"):
            return "cards are not being counted on this principle now"
        if live.principle.id != principle:
            return "the laptop has moved to another principle; nothing was stored"
        for score, count in cells:
            over = live.over_room(group, score, count)
            if over is not None:
                return (over_room_words(live.plan, group, score, count, over)
                        + ": count again, or change the room size on the laptop (c)")
            screen.store_cards(group, score, count)
        return ""

    def action_remotes(self) -> None:
        from .screens.remotes import RemotesScreen

        server = self.phone_server
        if server is not None:
            remotes = server.remote.remotes
            self.push_screen(RemotesScreen(remotes.paired, remotes.unpair, self.join_details()[0]))
