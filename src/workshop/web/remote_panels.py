"""The remote's working parts, each a plain form: the card grids, moving to a principle, the comments
that wait, and a note or an action captured from the floor. Every value is escaped."""

from __future__ import annotations

from html import escape

from ..session.running import LiveSession
from ..wording import plural
from .page import answer_words
from .remote import MAX_CARDS, cell_name, takes_cards, takes_predictions

CAPTURE_FIELDS = ("kind", "text", "owner", "due")


def counting(live: LiveSession) -> bool:
    """Whether the remote shows the card grid now: then it never reloads itself under a count being typed."""
    return live.state() == "open" and takes_cards(live.plan)


def grid_html(live: LiveSession, *, predictions: bool = False) -> str:
    """A card grid: a form per group (or per predicting side), a labelled box per score."""
    plan, principle = live.plan, live.principle
    if predictions:
        counts = live.prediction_card_counts()
        names = plan.group_names
        rows = [(g, f"{names[g]} about {names[plan.predicts_about(g)]}") for g in plan.predictors]
        action, what, button = "/remote/predictions", "predictions", "Store {}'s predictions"
    else:
        counts = live.card_counts()
        rows = [(g.id, g.name) for g in live.groups]
        action, what, button = "/remote/cards", "cards raised", "Store {}'s cards"
    cells = list(reversed(plan.scale.points)) + ([None] if plan.scale.dont_know else [])
    forms = []
    for group, name in rows:
        boxes = []
        for score in cells:
            cell, count = cell_name(score), counts.get((group, score), 0)
            field = f"{'p' if predictions else 'c'}-{group}-{cell}"
            boxes.append(
                f'<label for="{escape(field)}"><span>{escape(answer_words(plan, score))}</span>'
                f'<input type="number" id="{escape(field)}" name="c-{cell}" value="{count}" min="0" max="{MAX_CARDS}" '
                f'inputmode="numeric"></label><input type="hidden" name="was-{cell}" value="{count}">')
        side = plan.group(group).name
        forms.append(f"""<form method="post" action="{action}" class="cards">
<input type="hidden" name="principle" value="{escape(principle.id)}">
<input type="hidden" name="group" value="{escape(group)}">
<fieldset>
<legend>{escape(name)}: {what}</legend>
{''.join(boxes)}
<button type="submit">{escape(button.format(side))}</button>
</fieldset>
</form>""")
    return "\n".join(forms)


def cards_html(live: LiveSession) -> str:
    """The card grid from the floor, and with a perception round the second raise's grid."""
    parts = ['<h3 id="cards-title">Count cards</h3>\n<p class="hint">While voting is open this page keeps what '
             'you type: it updates itself only when no count is half typed.</p>', grid_html(live)]
    if takes_predictions(live.plan):
        parts += ['<h3 id="predictions-title">Second raise: how will the other side rate this?</h3>',
                  grid_html(live, predictions=True)]
    return "\n".join(parts)


def jump_html(live: LiveSession) -> str:
    """Every principle of the session, by number and whole statement: choose one and go there."""
    options = "".join(
        f'<option value="{n}"{" selected" if n == live.position + 1 else ""}>{n}. {escape(p.statement)}</option>'
        for n, p in enumerate(live.principles, 1))
    return f"""<form method="post" action="/remote/act" class="jump">
<input type="hidden" name="action" value="jump">
<label for="jump-number" class="field">Go to principle</label>
<select id="jump-number" name="number">{options}</select>
<button type="submit">Go to this principle</button>
</form>"""


def comments_html(live: LiveSession) -> str:
    """The comments that wait for approval, this principle's first, each with Approve and Hide."""
    if not live.plan.comments:
        return ""
    here = live.principle.id
    waiting = [c for c in live.comments.all() if c.status == "pending"]
    waiting.sort(key=lambda c: c.principle_id != here)
    number = {p.id: n for n, p in enumerate(live.principles, 1)}
    names = live.plan.group_names
    items = "".join(
        f"""<li><p><strong>{escape(names.get(c.group, c.group))}</strong> on principle {number.get(c.principle_id, "?")}:
“{escape(c.text)}”</p>
<form method="post" action="/remote/comment" class="moderate">
<input type="hidden" name="comment" value="{escape(c.id)}">
<button type="submit" name="status" value="approved">Approve</button>
<button type="submit" name="status" value="hidden" class="secondary">Hide</button>
</form></li>""" for c in waiting)
    heading = f"Comments waiting: {len(waiting)}"
    body = f'<ul class="waiting">{items}</ul>' if waiting else "<p>No comment waits for you.</p>"
    return f'<section class="comments" aria-labelledby="comments-title">\n<h3 id="comments-title">{heading}</h3>\n' \
           f'{body}\n</section>'


def capture_html(live: LiveSession, draft: dict[str, str] | None = None) -> str:
    """A note or an action on the principle on screen, as the laptop's dialog takes it (Enter there)."""
    draft = draft or {}
    is_action = draft.get("kind") == "action"
    captured = [f"<li>Note: {escape(n.text)}</li>" for n in live.notes()]
    for a in live.actions():
        extra = ", ".join(x for x in (a.owner, f"due {a.due}" if a.due else "") if x)
        captured.append(f"<li>Action: {escape(a.text)}{f' ({escape(extra)})' if extra else ''}</li>")
    saved = (f'<p>On this principle: {plural(len(captured), "entry", "entries")}</p><ul class="captured">'
             + "".join(captured) + "</ul>") if captured else ""
    value = {name: escape(draft.get(name, "")) for name in CAPTURE_FIELDS}
    return f"""<section class="capture" aria-labelledby="capture-title">
<h3 id="capture-title">Note or action on this principle</h3>
{saved}
<form method="post" action="/remote/capture">
<input type="hidden" name="principle" value="{escape(live.principle.id)}">
<fieldset>
<legend>Which</legend>
<label class="choice"><input type="radio" name="kind" value="note"{'' if is_action else ' checked'}><span>Note</span></label>
<label class="choice"><input type="radio" name="kind" value="action"{' checked' if is_action else ''}><span>Action</span></label>
</fieldset>
<label for="capture-text" class="field">What was said, or what was agreed</label>
<textarea id="capture-text" name="text" rows="3">{value["text"]}</textarea>
<label for="capture-owner" class="field">Owner <span class="hint">(a group or a name; makes it an action)</span></label>
<input type="text" id="capture-owner" name="owner" value="{value["owner"]}" autocomplete="off">
<label for="capture-due" class="field">Due <span class="hint">(YYYY-MM-DD; makes it an action)</span></label>
<input type="text" id="capture-due" name="due" value="{value["due"]}" autocomplete="off">
<button type="submit">Save</button>
</form>
</section>"""
