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
    """The round open: every principle whole, with its dots in words and a button to add or take one off.

    The markup per principle is kept lean so the whole catalogue stays within the phone page's budget:
    the statement's heading is the anchor a form post comes back to and what each button is described
    by; a principle with no dots has no "Remove a dot" button at all (there is nothing to remove)."""
    items = []
    for number, p in enumerate(plan.principles, 1):
        n = placement.get(p.id, 0)
        add = _button(p.id, n + 1, f"add-{number}", "Add a dot", f"to principle {number}")
        if n:
            pips = f'<span class="pips" aria-hidden="true">{"&#9679;" * n}</span>'
            off = _button(p.id, n - 1, f"off-{number}", "Remove a dot", f"from principle {number}", ' class="off"')
            items.append(f'<li class="on"><h3 id="d-{number}">{escape(p.statement)}</h3>'
                         f'<p><span id="c-{number}">{dots_words(n)}</span>{pips}</p><div>{add}{off}</div></li>')
        else:
            items.append(f'<li><h3 id="d-{number}">{escape(p.statement)}</h3><p id="c-{number}">No dots</p>{add}</li>')
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


def _button(principle: str, count: int, ident: str, words: str, which: str, more: str = "") -> str:
    """A button setting one principle's dots ('PRINCIPLE:N'); its name says which principle, and it is
    described by the statement and the principle's count. A submit button by default, in the form."""
    number = ident.partition("-")[2]
    return (f'<button name="set" value="{escape(principle)}:{count}" id="{ident}"{more} '
            f'aria-describedby="d-{number} c-{number}">{words}<span> {which}</span></button>')


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
