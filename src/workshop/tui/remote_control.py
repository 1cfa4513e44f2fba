"""The app's side of the facilitator's remote: asking before a device pairs, and running its presses
as the keys they stand for, on the screen the projector shows (never touching widgets from the server)."""

from __future__ import annotations

import asyncio
import logging

from .messages import BallotsCounted, RemoteAsked, RemoteCommand

log = logging.getLogger("workshop.tui")

BEGIN_TRIES = 100  # × 20 ms
WORDS = {"next": "next", "previous": "previous", "reveal": "reveal", "reopen": "reopen", "gap": "the gap view",
         "jump": "moving to another principle"}
ELSEWHERE = "the laptop shows a dialog or another screen; finish there first"


class RemoteControl:
    """Mixed into WorkshopApp (self is the app; self.phone_server the running phone server)."""

    def connect_remotes(self, server) -> None:
        server.remote.remotes.asked = lambda pairing: self.post_message(RemoteAsked(pairing))
        server.remote.drive = self.drive_from_remote
        server.remote.view = self.remote_view

    def remote_view(self) -> str:
        """What the laptop (and so the projector) shows, as the remote's state says it."""
        from .screens.gap import GapScreen
        from .screens.lobby import LobbyScreen
        from .screens.vote import VoteScreen

        screen = self.screen
        for kind, name in ((VoteScreen, "vote"), (GapScreen, "gap"), (LobbyScreen, "lobby")):
            if isinstance(screen, kind):
                return name
        return "other"

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
        handlers = {"cards": self.count_from_remote, "predictions": self.predictions_from_remote,
                    "comment": self.moderate_from_remote, "capture": self.capture_from_remote}
        try:
            handler = handlers.get(message.action)
            refused = handler(*message.detail) if handler else await self.run_remote(message.action, message.detail)
        except Exception:
            log.exception("a remote's %s failed", message.action)
            refused = "that did not work on the laptop; look at the laptop"
        if not message.done.done():
            message.done.set_result(refused)

    async def run_remote(self, action: str, detail: tuple = ()) -> str:
        """Run the key for action on the screen on top, as the keyboard would: "" when done, else why not."""
        from .screens.gap import GapScreen
        from .screens.lobby import LobbyScreen
        from .screens.vote import VoteScreen

        screen = self.screen
        if isinstance(screen, GapScreen) and action == "gap":
            if not screen.over_vote:
                return ELSEWHERE
            await screen.run_action("back")  # Escape there: back to the principle under it
            return ""
        if isinstance(screen, LobbyScreen) and action == "next":
            action = "begin"  # the lobby's Enter: the first principle opens
        elif not isinstance(screen, VoteScreen):
            return ELSEWHERE
        live = screen.live
        if live.readonly or screen.check_action(action, ()) is False:
            return f"{WORDS.get(action, action)} is not possible now"
        if action == "jump":  # the jump dialog's answer, given from the remote's list
            if not 1 <= detail[0] <= live.total:
                return f"there is no principle {detail[0]}: the session has {live.total}"
            if screen.settled():
                screen.jump_to(detail[0])
            return ""
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

    def count_from_remote(self, principle: str, group: str, cells: tuple, predictions: bool = False) -> str:
        """Cards counted on the remote, stored as the laptop's grid stores a typed count (the last
        count committed wins, and the laptop's grid shows it); a count that would pass the people
        in the room is refused here, where the laptop would ask."""
        from .screens.ballot_entry import over_room_words
        from .screens.vote import VoteScreen

        screen = self.screen
        if not isinstance(screen, VoteScreen):
            return ELSEWHERE
        live = screen.live
        what = "predictions" if predictions else "ballots"
        counting = "cards" in screen.modes or screen.entry == "cards"
        if live.readonly or live.revealed or not counting or (predictions and not live.plan.perception):
            return f"{'predictions' if predictions else 'cards'} are not being counted on this principle now"
        if live.principle.id != principle:
            return "the laptop has moved to another principle; nothing was stored"
        over_room = live.over_room_predictions if predictions else live.over_room
        store = screen.store_prediction_cards if predictions else screen.store_cards
        for score, count in cells:
            over = over_room(group, score, count)
            if over is not None:
                return (over_room_words(live.plan, group, score, count, over, what)
                        + ": count again, or change the room size on the laptop (c)")
            store(group, score, count)
        return ""

    def predictions_from_remote(self, principle: str, group: str, cells: tuple) -> str:
        """The perception round's second raise, counted on the remote: as the laptop's second grid."""
        return self.count_from_remote(principle, group, cells, predictions=True)

    def moderate_from_remote(self, comment_id: str, status: str) -> str:
        """Approve or hide a waiting comment, as a and h do in the comments list (RoomComments.moderate)."""
        from .screens.comments import CommentsScreen

        live = self.phone_server.voting.live
        comment = next((c for c in live.comments.all() if c.id == comment_id), None) if live.plan.comments else None
        if comment is None:
            return "that comment is not in this session"
        live.comments.moderate(comment, status)
        screen = self.screen
        if isinstance(screen, CommentsScreen):
            screen.show_comments()
        else:
            screen.post_message(BallotsCounted())  # the vote screen redraws its "comments wait" line
        return ""

    def capture_from_remote(self, principle: str, entry) -> str:
        """A note or an action typed on the remote, stored as the laptop's note dialog stores it."""
        from .screens.note import WAITING
        from .screens.vote import VoteScreen

        live = self.phone_server.voting.live
        if live.readonly:
            return "this session is being reviewed: nothing is added to it"
        if live.state() == "pending":
            return "begin the session first: notes and actions go on a principle the room has seen"
        if live.principle.id != principle:
            return "the laptop has moved to another principle; nothing was stored (your text is kept below)"
        saved = (live.add_action(entry.text, owner=entry.owner, due=entry.due) if entry.is_action
                 else live.add_note(entry.text))
        if isinstance(self.screen, VoteScreen):
            self.screen.show_principle(entered=False)  # "1 action on this principle", and on the reveal
        if not saved:
            self.notify(WAITING)
        return ""

    def action_remotes(self) -> None:
        from .screens.remotes import RemotesScreen

        server = self.phone_server
        if server is not None:
            remotes = server.remote.remotes
            self.push_screen(RemotesScreen(remotes.paired, remotes.unpair, self.join_details()[0]))
