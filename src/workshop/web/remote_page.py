"""What the facilitator's remote shows, and only the remote: pairing, the buttons, the ballots coming in.

Rendered on the server (every part works without JavaScript: plain forms, and a timed refresh inside
<noscript>; remote.js only follows the room by server-sent events), with every value escaped. Before
the reveal the remote shows each group's distribution as it stands; a group below min_group_size is
"too few to show" here too, through the same rendering as the phones'. The forms are remote_panels.py.
"""

from __future__ import annotations

import hashlib
import json
from html import escape

from ..export.json import group_data
from ..session.running import LiveSession
from ..wording import plural, time_left_words
from .page import ASSET_VERSION, group_block
from .remote import Pairing, Remote, cell_name
from .remote_panels import capture_html, cards_html, comments_html, counting, jump_html

STATE_WORDS = {"pending": "Not open yet", "open": "Voting is open", "closed": "Revealed: the projector shows the results"}
VIEW_WORDS = {"gap": "The projector shows the gap view", "other": "The laptop shows another screen or a dialog"}
WAITING_REFRESH = 2  # seconds, while the laptop is asked
CONTROL_REFRESH = 5  # seconds, to follow the ballots coming in without a script (not while cards are counted)

STYLE = """.remote-actions { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; margin: 1rem 0; }
.remote-actions button { margin: 0; min-height: 4rem; }
.pair-code { font-size: 3rem; letter-spacing: .4rem; font-weight: bold; margin: .5rem 0; }
.cards fieldset { margin: 1rem 0; }
.cards label { display: flex; justify-content: space-between; align-items: center; gap: .5rem; margin: .4rem 0; font-size: 1.1rem; }
.cards input { width: 5.5rem; min-height: 3rem; font-size: 1.5rem; text-align: center; }
.private { border: 2px dashed currentColor; padding: .5rem .75rem; margin: 1rem 0; }
.timer { font-size: 1.3rem; font-weight: bold; }
.timer.over { text-decoration: underline; }
.capture input[type=text] { text-transform: none; letter-spacing: normal; font-size: 1.1rem; }
.capture textarea, .jump select { font-size: 1.1rem; }
.jump select { display: block; width: 100%; min-height: 3rem; margin: 0 0 .6rem; font: inherit; }
.waiting { list-style: none; padding: 0; }
.waiting li { border-top: 2px solid currentColor; padding-top: .5rem; margin-top: .5rem; }
.moderate { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; }
.moderate button { margin: 0; }
.moderate .secondary { color: #0a3a8c; background: #fff; }
section.capture, section.comments, form.jump { margin: 1.5rem 0; }"""


def private_state(live: LiveSession, remote: Remote, view: str = "") -> dict:
    """GET /api/remote/state: what the projector shows now, with what only the remote sees.

    view: what the laptop shows ("lobby", "vote", "gap" or "other"; "" when no app says).
    """
    principle, state = live.principle, live.state()
    result, cards = live.result(), live.card_counts()
    left = live.time_left() if state == "open" else None
    names = live.plan.group_names
    return {
        "remote": remote.name,
        "view": view,
        "principle": {"id": principle.id, "statement": principle.statement, "number": live.position + 1,
                      "total": live.total},
        "state": state,
        "time_left": left,
        "time_box": live.plan.time_box_for(principle.id),
        "ballots": live.counts(),
        "results": {g: group_data(s) for g, s in result.groups.items()},
        "cards": _cells(cards, [g.id for g in live.groups]),
        "predictions": _cells(live.prediction_card_counts(), list(live.plan.predictors)),
        "facilitator_note": live.plan.facilitator_notes.get(principle.id, ""),
        "comments_waiting": [{"id": c.id, "principle": c.principle_id, "group": names.get(c.group, c.group),
                              "text": c.text} for c in live.comments.all() if c.status == "pending"]
        if live.plan.comments else [],
        "notes": [n.text for n in live.notes()],
        "actions": [{"text": a.text, "owner": a.owner, "due": a.due} for a in live.actions()],
        "principles": [{"number": n, "id": p.id, "statement": p.statement}
                       for n, p in enumerate(live.principles, 1)],
    }


def _cells(counts: dict, groups: list[str]) -> dict:
    return {g: {cell_name(score): n for (group, score), n in counts.items() if group == g} for g in groups}


def state_version(state: dict) -> str:
    """What changes when the remote should redraw: everything but the clock ticking down."""
    steady = {k: v for k, v in state.items() if k != "time_left"}
    return hashlib.sha256(json.dumps(steady, sort_keys=True).encode()).hexdigest()[:16]


def remote_page(body: str, *, error: str = "", message: str = "", refresh: int = 0, version: str = "") -> str:
    """A whole page; the status line is read out when it changes. Without a script a refresh follows
    the room; with one, remote.js follows it by events and reloads only when nothing is half typed."""
    kind, text = ("error", error) if error else ("ok" if message else "", message)
    again = f'<meta http-equiv="refresh" content="{refresh}; url=/remote">' if refresh else ""
    if again and version:
        again = f"<noscript>{again}</noscript>"
    script = f'<script src="/static/remote.js?v={ASSET_VERSION}" defer></script>\n' if version else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
{again}<title>Facilitator's remote</title>
<link rel="stylesheet" href="/static/app.css?v={ASSET_VERSION}">
<style>{STYLE}</style>
</head>
<body>
<main id="remote" data-version="{escape(version)}">
<h1>Facilitator's remote</h1>
<p id="status" class="message{' ' + kind if kind else ''}" role="status">{escape(text)}</p>
{body}
</main>
{script}</body>
</html>
"""


def start_html() -> str:
    return """<section class="pair-start">
<h2>Pair this device</h2>
<p>This page is for the facilitator. Pairing makes this device a private remote: it moves between
principles, reveals and reopens them, and shows the ballots coming in before the room sees them.</p>
<p>The laptop will ask you to confirm a code that this device shows. Participants vote at the address
on the screen at the front, not here.</p>
<form method="post" action="/remote/pair">
<button type="submit">Ask the laptop to pair this device</button>
</form>
</section>"""


def waiting_html(pairing: Pairing) -> str:
    """The device's code while the laptop asks; once confirmed there, one button finishes pairing."""
    code = escape(pairing.code)
    if pairing.answer is None:
        return f"""<section class="pair-wait">
<h2>Your pairing code</h2>
<p class="pair-code" aria-label="Pairing code {' '.join(code)}">{code}</p>
<p>On the laptop, check that it asks "Pair this device?" with this same code, then press y there.
This page checks back by itself every {WAITING_REFRESH} seconds.</p>
<p><a class="button-link" href="/remote">Check again</a></p>
</section>"""
    return f"""<section class="pair-finish">
<h2>Confirmed on the laptop</h2>
<p>Code {code} was confirmed. Finish pairing on this device.</p>
<form method="post" action="/remote/claim">
<input type="hidden" name="code" value="{code}">
<button type="submit">Finish pairing</button>
</form>
</section>"""


def timer_html(live: LiveSession) -> str:
    """The principle's time box as the projector counts it (LiveSession.time_left), while it is open."""
    left = live.time_left() if live.state() == "open" else None
    if left is None:
        return ""
    return (f'<p class="timer{" over" if left < 0 else ""}" id="timer" data-left="{left}">'
            f'Time box: <span>{escape(time_left_words(left))}</span></p>')


def control_html(live: LiveSession, remote: Remote, view: str = "", draft: dict[str, str] | None = None) -> str:
    """The remote itself: where the room is, the buttons that apply, and the private view.

    draft: what was typed into the capture form, shown again when it was refused."""
    principle, state = live.principle, live.state()
    counts = live.counts()
    ballots = ", ".join(f"{escape(g.name)} {counts.get(g.id, 0)}" for g in live.groups)
    gap = view == "gap"
    buttons = []
    if not gap:  # the gap view's only button closes it: the vote screen's keys wait under it
        buttons = ['<button type="submit" name="action" value="previous">Previous principle</button>'
                   if live.position > 0 else "",
                   '<button type="submit" name="action" value="next">Next principle</button>']
        if state == "closed":
            buttons.append('<button type="submit" name="action" value="reopen">Reopen voting</button>')
        elif state == "open":
            buttons.append('<button type="submit" name="action" value="reveal">Reveal results</button>')
    if view in ("vote", "gap", ""):
        buttons.append(f'<button type="submit" name="action" value="gap">{"Close" if gap else "Open"} the gap view</button>')
    cards = cards_html(live) if counting(live) and not gap else ""
    result = live.result()
    blocks = "".join(group_block(live.plan, g.name, result.groups[g.id]) for g in live.groups)
    total = sum(counts.values())
    where = f"<p><strong>{escape(VIEW_WORDS[view])}</strong></p>" if view in VIEW_WORDS else ""
    live_parts = state != "pending" and view != "other"
    return f"""<section class="control" aria-labelledby="statement">
<p class="position">{escape(remote.name)} · Principle {live.position + 1} of {live.total} ·
<strong>{escape(STATE_WORDS.get(state, state))}</strong></p>
{where}{timer_html(live)}
<h2 id="statement">{escape(principle.statement)}</h2>
<p id="ballots">Ballots in ({total}): {ballots}</p>
<form method="post" action="/remote/act" class="remote-actions">
{''.join(buttons)}
</form>
<div class="private results" aria-labelledby="private-title">
<h3 id="private-title">Only on this remote</h3>
{note_html(live)}
<p>{plural(total, "ballot")} so far{'' if state == 'closed' else ', not shown to the room'}.</p>
{blocks}
</div>
{cards}
{comments_html(live)}
{capture_html(live, draft) if live_parts else ""}
{jump_html(live) if live_parts else ""}
<p><a class="button-link" href="/remote">Refresh</a></p>
</section>"""


def note_html(live: LiveSession) -> str:
    """The plan's facilitator note for the principle: here and nowhere else."""
    note = live.plan.facilitator_notes.get(live.principle.id)
    return f'<p class="facilitator-note"><strong>Your note:</strong> {escape(note)}</p>' if note else ""
