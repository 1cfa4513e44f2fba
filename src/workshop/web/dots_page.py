"""The phone page's priorities round: a phone's dots on every principle while it is open, then the
room's ranking. Rendered on the server: each button is a form post, so it works without JavaScript."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from ..model import Plan
from ..priorities import Priority
from ..wording import plural, priority_words


def dots_words(n: int) -> str:
    """A count as the page says it: 'No dots', '1 dot', '2 dots'."""
    return "No dots" if n == 0 else plural(n, "dot")


def left_words(plan: Plan, placement: Mapping[str, int]) -> str:
    """'2 of 3 dots left'."""
    return f"{plan.dots - sum(placement.values())} of {plural(plan.dots, 'dot')} left"


def placement_key(placement: Mapping[str, int]) -> str:
    """What sets a phone's view of the round apart: its dots, in plan-independent order."""
    return ",".join(f"{p}={n}" for p, n in sorted(placement.items()))


def dots_html(plan: Plan, placement: Mapping[str, int]) -> str:
    """The round open: every principle whole, with its dots in words and a button to add or take one off."""
    items = []
    for number, p in enumerate(plan.principles, 1):
        n = placement.get(p.id, 0)
        pips = f'<span class="pips" aria-hidden="true">{"&#9679;" * n}</span>' if n else ""
        off = " disabled" if n == 0 else ""
        items.append(
            f'<li class="dot-item{" dotted" if n else ""}" id="d-{number}">'
            f'<h3 id="s-{number}">{escape(p.statement)}</h3>'
            f'<p class="dot-count"><b id="c-{number}">{dots_words(n)}<span class="sr"> on principle {number}</span></b>{pips}</p>'
            f'<div class="dot-buttons">'
            f'<button type="submit" name="set" value="{escape(p.id)}:{n + 1}" id="add-{number}" '
            f'aria-describedby="s-{number} c-{number}">Add a dot<span class="sr"> to principle {number}</span></button>'
            f'<button type="submit" name="set" value="{escape(p.id)}:{max(n - 1, 0)}" id="off-{number}" class="off" '
            f'aria-describedby="s-{number} c-{number}"{off}>Remove a dot<span class="sr"> from principle {number}</span></button>'
            f'</div></li>')
    left = left_words(plan, placement)
    return f"""<section class="dots" data-key="dots:open:{escape(placement_key(placement))}"
 data-announce="Priorities. Place your {plural(plan.dots, 'dot')} on the principles to act on first.">
<h2 id="statement" tabindex="-1">Which principles should we act on first?</h2>
<p>Place your {plural(plan.dots, 'dot')} on the principles to act on first: more than one on a principle if it
matters most. You can move them until the facilitator closes the round. Only the room's totals are shown,
never whose dots they are.</p>
<form method="post" action="/dots" id="dots-form">
<ol class="dot-list">
{''.join(items)}
</ol>
</form>
<p class="dots-left" id="dots-left"><b>{left}</b></p>
<p class="nojs-only"><a class="button-link" href="/">See what is on screen now</a></p>
</section>"""


def ranking_html(plan: Plan, placement: Mapping[str, int], ranked: list[Priority], version: int) -> str:
    """The round closed: the room's ranking as the projector shows it, and this phone's own dots."""
    ordered = sorted((p for p in plan.principles if placement.get(p.id)), key=lambda p: -placement[p.id])
    mine = "".join(f"<li><b>{dots_words(placement[p.id])}</b>: {escape(p.statement)}</li>" for p in ordered)
    own = (f'<p>Your dots:</p><ul class="my-dots">{mine}</ul>' if mine else "<p>You placed no dots.</p>")
    rows = "".join(f'<li><h4>Rank {p.rank}: {escape(p.principle.statement)}</h4>'
                   f'<p>{escape(priority_words(p, plan.group_names))}</p></li>' for p in ranked)
    listed = (f'<ol class="ranking-list">{rows}</ol>' if rows else "<p>No dots were placed.</p>")
    return f"""<section class="ranking" data-key="dots:closed:{version}"
 data-announce="The priorities round is closed; the room's ranking is shown." data-focus="ranking">
<h2 id="statement" tabindex="-1">The priorities round is closed</h2>
{own}
<h3 id="ranking" tabindex="-1">The room's priorities</h3>
<p>Most dots first, as on the screen at the front.</p>
{listed}
<p class="nojs-only"><a class="button-link" href="/">See what is on screen now</a></p>
</section>"""
