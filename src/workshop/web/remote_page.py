"""What the facilitator's remote shows, and only the remote: pairing, the buttons, the ballots coming in.

Rendered on the server (every part works without JavaScript: plain forms and a timed refresh), with
every value escaped. Before the reveal the remote shows each group's distribution as it stands; a
group below min_group_size is "too few to show" here too, through the same rendering as the phones'.
"""

from __future__ import annotations

from html import escape

from ..export.json import group_data
from ..session.running import LiveSession
from ..wording import plural
from .page import ASSET_VERSION, answer_words, group_block
from .remote import MAX_CARDS, Pairing, Remote, cell_name, takes_cards

STATE_WORDS = {"pending": "Not open yet", "open": "Voting is open", "closed": "Revealed: the projector shows the results"}
WAITING_REFRESH = 2  # seconds, while the laptop is asked
CONTROL_REFRESH = 5  # seconds, to follow the ballots coming in (not while cards are counted)

STYLE = """.remote-actions { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; margin: 1rem 0; }
.remote-actions button { margin: 0; min-height: 4rem; }
.pair-code { font-size: 3rem; letter-spacing: .4rem; font-weight: bold; margin: .5rem 0; }
.cards fieldset { margin: 1rem 0; }
.cards label { display: flex; justify-content: space-between; align-items: center; gap: .5rem; margin: .4rem 0; font-size: 1.1rem; }
.cards input { width: 5.5rem; min-height: 3rem; font-size: 1.5rem; text-align: center; }
.private { border: 2px dashed currentColor; padding: .5rem .75rem; margin: 1rem 0; }"""


def private_state(live: LiveSession, remote: Remote) -> dict:
    """GET /api/remote/state: what the projector shows now, with what only the remote sees."""
    principle, state = live.principle, live.state()
    result, cards = live.result(), live.card_counts()
    return {
        "remote": remote.name,
        "principle": {"id": principle.id, "statement": principle.statement, "number": live.position + 1,
                      "total": live.total},
        "state": state,
        "ballots": live.counts(),
        "results": {g: group_data(s) for g, s in result.groups.items()},
        "cards": {g.id: {cell_name(score): n for (group, score), n in cards.items() if group == g.id}
                  for g in live.groups},
        "facilitator_note": live.plan.facilitator_notes.get(principle.id, ""),
    }


def remote_page(body: str, *, error: str = "", message: str = "", refresh: int = 0) -> str:
    """A whole page; the status line is read out when it changes. No script: a refresh follows the room."""
    kind, text = ("error", error) if error else ("ok" if message else "", message)
    again = f'<meta http-equiv="refresh" content="{refresh}; url=/remote">' if refresh else ""
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
<main id="remote">
<h1>Facilitator's remote</h1>
<p id="status" class="message{' ' + kind if kind else ''}" role="status">{escape(text)}</p>
{body}
</main>
</body>
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


def counting(live: LiveSession) -> bool:
    """Whether the remote shows the card grid now: then it never reloads itself under a count being typed."""
    return live.state() == "open" and takes_cards(live.plan)


def control_html(live: LiveSession, remote: Remote) -> str:
    """The remote itself: where the room is, the buttons that apply, and the private view."""
    principle, state = live.principle, live.state()
    counts = live.counts()
    ballots = ", ".join(f"{escape(g.name)} {counts.get(g.id, 0)}" for g in live.groups)
    buttons = ['<button type="submit" name="action" value="previous">Previous principle</button>'
               if live.position > 0 else "",
               '<button type="submit" name="action" value="next">Next principle</button>']
    if state == "closed":
        buttons.append('<button type="submit" name="action" value="reopen">Reopen voting</button>')
    elif state == "open":
        buttons.append('<button type="submit" name="action" value="reveal">Reveal results</button>')
    cards = cards_html(live) if counting(live) else ""
    result = live.result()
    blocks = "".join(group_block(live.plan, g.name, result.groups[g.id]) for g in live.groups)
    total = sum(counts.values())
    return f"""<section class="control" aria-labelledby="statement">
<p class="position">{escape(remote.name)} · Principle {live.position + 1} of {live.total} ·
<strong>{escape(STATE_WORDS.get(state, state))}</strong></p>
<h2 id="statement">{escape(principle.statement)}</h2>
<p id="ballots">Ballots in ({total}): {ballots}</p>
<form method="post" action="/remote/act" class="remote-actions">
{''.join(buttons)}
</form>
{cards}
<div class="private results" aria-labelledby="private-title">
<h3 id="private-title">Only on this remote</h3>
{note_html(live)}
<p>{plural(total, "ballot")} so far{'' if state == 'closed' else ', not shown to the room'}.</p>
{blocks}
</div>
<p><a class="button-link" href="/remote">Refresh</a></p>
{'' if cards else f'<p class="hint">This page refreshes itself every {CONTROL_REFRESH} seconds.</p>'}
</section>"""


def note_html(live: LiveSession) -> str:
    """The plan's facilitator note for the principle: here and nowhere else."""
    note = live.plan.facilitator_notes.get(live.principle.id)
    return f'<p class="facilitator-note"><strong>Your note:</strong> {escape(note)}</p>' if note else ""


def cards_html(live: LiveSession) -> str:
    """The card grid from the floor: a form per group, a labelled box per score, stored as typed on the laptop."""
    plan, principle, counts = live.plan, live.principle, live.card_counts()
    cells = list(reversed(plan.scale.points)) + ([None] if plan.scale.dont_know else [])
    forms = []
    for group in live.groups:
        boxes = []
        for score in cells:
            name, count = cell_name(score), counts.get((group.id, score), 0)
            field = f"c-{group.id}-{name}"
            boxes.append(
                f'<label for="{escape(field)}"><span>{escape(answer_words(plan, score))}</span>'
                f'<input type="number" id="{escape(field)}" name="c-{name}" value="{count}" min="0" max="{MAX_CARDS}" '
                f'inputmode="numeric"></label><input type="hidden" name="was-{name}" value="{count}">')
        forms.append(f"""<form method="post" action="/remote/cards" class="cards">
<input type="hidden" name="principle" value="{escape(principle.id)}">
<input type="hidden" name="group" value="{escape(group.id)}">
<fieldset>
<legend>{escape(group.name)}: cards raised</legend>
{''.join(boxes)}
<button type="submit">Store {escape(group.name)}'s cards</button>
</fieldset>
</form>""")
    return ('<h3 id="cards-title">Count cards</h3>\n<p class="hint">While voting is open this page waits for '
            'you: press Refresh to see ballots from phones.</p>\n' + "\n".join(forms))
