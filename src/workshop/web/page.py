"""The participant page, rendered on the server so it works without JavaScript; the script only enhances it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..analytics import GroupStats, PrincipleResult
from ..model import Plan, Principle
from ..session.comments import MAX_COMMENT
from ..wording import TOO_FEW, number, perception_words, plural, result_gap_words

ASSET_VERSION = "7"

# app.js swaps the part between these markers when the facilitator moves on (and, without
# EventSource, cuts it out of a freshly fetched page).
VIEW_START, VIEW_END = "<!--view-->", "<!--/view-->"


@dataclass(frozen=True)
class View:
    """What one phone should see now."""

    plan: Plan
    principle: Principle | None  # None: the facilitator has not opened one yet
    number: int
    open: bool
    my_score: int | None | str  # a score, None for don't know, "" for no answer yet
    result: PrincipleResult | None  # after reveal
    comment: str = ""  # the comment box: "" none, "box" this phone may comment, "sent" it has
    about: str | None = None  # the perception round: the group whose rating this phone predicts
    my_prediction: int | None | str = ""  # like my_score, for the prediction


def page(title: str, body: str, *, message: str = "", code: str = "", error: str = "") -> str:
    """A whole page. The status line is the page's one live region: what is said there is read out."""
    kind, text = ("error", error) if error else ("ok" if message.startswith(("Your answer", "Your comment", "Your dots")) else "", message)
    return f"""<!doctype html>
<html lang="en" class="nojs">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/static/app.css?v={ASSET_VERSION}">
</head>
<body>
<main id="app" data-code="{escape(code)}">
<h1>{escape(title)}</h1>
<p id="status" class="message{' ' + kind if kind else ''}" role="status">{escape(sentence(text))}</p>
<div id="view">{VIEW_START}{body}{VIEW_END}</div>
</main>
<script src="/static/app.js?v={ASSET_VERSION}" defer></script>
</body>
</html>
"""


def join_form(plan: Plan, code: str = "", error: str = "") -> str:
    groups = "\n".join(
        f'<label class="choice"><input type="radio" name="group" value="{escape(g.id)}" required>'
        f'<span>{escape(g.name)}</span></label>' for g in plan.groups)
    problem = (f'<p class="error" id="join-error" role="alert">{escape(sentence(error))}</p>' if error else "")
    described = ' aria-describedby="join-error" aria-invalid="true"' if error and "code" in error else ""
    privacy = ("Your answers are anonymous: nobody, not even the facilitator, can see who answered what."
               if plan.anonymous else "Your answers are recorded for this workshop.")
    return f"""<section class="join" data-key="join">
<h2 id="statement" tabindex="-1">Join the workshop</h2>
<p>{privacy} Nothing leaves this room.</p>
{problem}
<form method="post" action="/join" id="join-form">
<label for="code" class="field">Join code <span class="hint">(on the screen at the front)</span></label>
<input type="text" id="code" name="code" value="{escape(code)}" autocomplete="off" autocapitalize="characters"
 autocorrect="off" spellcheck="false" maxlength="12" required{described}>
<fieldset>
<legend>Which side are you on?</legend>
{groups}
</fieldset>
<button type="submit">Join</button>
</form>
</section>"""


def view_html(view: View, draft: str = "") -> str:
    """The changing part of the page: waiting, voting or the revealed results.

    data-key tells the script whether a pushed view is new (so a person's unsent choice survives a
    repeat of the same view); data-announce is read out when it is.
    """
    plan, p = view.plan, view.principle
    if p is None:
        return ('<section class="waiting" data-key="waiting" '
                'data-announce="You are in. Waiting for the facilitator to open the first principle.">'
                '<h2 id="statement" tabindex="-1">You are in</h2>'
                '<p>Waiting for the facilitator to open the first principle.</p>'
                '<p class="js-only">This page follows along by itself: no need to reload.</p>'
                f'{_refresh("Check again")}</section>')
    where = f"Principle {view.number} of {len(plan.principles)}"
    head = (f'<p class="position">{where}</p>'
            f'<h2 id="statement" tabindex="-1">{escape(p.statement)}</h2>')
    key = escape(f"{p.id}:{'open' if view.open else 'closed'}" + (f":{view.comment}" if view.comment else ""))
    if view.open:
        predict = "" if view.about is None else f"""
<fieldset class="predict">
<legend>How will {escape(plan.group(view.about).name)} rate this?</legend>
<p class="hint">Your guess at the other side's answer, on the same scale. It never counts in your own side's rating.</p>
{''.join(_options(plan, "predict", view.my_prediction, required=False))}
</fieldset>"""
        return f"""<section class="vote" data-key="{key}" data-announce="{where}. Voting is open.">{head}
<form method="post" action="/vote" id="vote-form"{' data-comments="1"' if plan.comments else ''}>
<input type="hidden" name="principle" value="{escape(p.id)}">
<fieldset>
<legend>How true is this in our area today?</legend>
{''.join(_options(plan, "score", view.my_score))}
</fieldset>{predict}
<button type="submit">Send my answer{'s' if predict else ''}</button>
</form>
<p class="mine" id="mine">{_my_answer(view)}</p>
{_comment_box(view, draft)}{_refresh("See what is on screen now")}
</section>"""
    return f"""<section class="closed" data-key="{key}" data-announce="{where}. Voting is closed; the results are shown."
 data-focus="results">{head}
<p class="mine" id="mine">{_my_answer(view)}</p>
{_results(view)}
{_refresh("See what is on screen now")}
</section>"""


def _comment_box(view: View, draft: str) -> str:
    """After voting, one short comment on the principle: a labelled box that posts without JavaScript."""
    if view.comment == "sent":
        return ('<p class="comment-sent" id="comment-sent">Your comment is sent. The facilitator chooses '
                'which comments the room sees.</p>\n')
    if view.comment != "box":
        return ""
    return f"""<form method="post" action="/comment" id="comment-form" class="comment">
<input type="hidden" name="principle" value="{escape(view.principle.id)}">
<label for="comment" class="field">Add a comment on this principle <span class="hint">(optional)</span></label>
<textarea id="comment" name="text" rows="3" maxlength="{MAX_COMMENT}" required aria-describedby="comment-hint">{escape(draft)}</textarea>
<p class="hint" id="comment-hint">At most {MAX_COMMENT} characters, one comment per principle. Only your side is kept
with it, nothing else about you; the facilitator chooses which comments the room sees.</p>
<button type="submit">Send my comment</button>
</form>
"""


def _options(plan: Plan, name: str, chosen: int | None | str, required: bool = True) -> list[str]:
    """One labelled radio button per point of the scale, and don't know where the scale has it."""
    need = " required" if required else ""
    options = []
    for point in plan.scale.points:
        checked = " checked" if chosen == point else ""
        options.append(
            f'<label class="choice"><input type="radio" name="{name}" value="{point}"{need}{checked}>'
            f'<span><b class="point">{point}</b> {escape(plan.scale.labels.get(point, ""))}</span></label>')
    if plan.scale.dont_know:
        checked = " checked" if chosen is None else ""
        options.append(
            f'<label class="choice dk"><input type="radio" name="{name}" value="dk"{need}{checked}>'
            f"<span>Don't know</span></label>")
    return options


def answer_words(plan: Plan, score: int | None) -> str:
    """A score as a person reads it: '4 Mostly true', or "Don't know"."""
    if score is None:
        return "Don't know"
    label = plan.scale.labels.get(score, "")
    return f"{score} {label}".strip()


def _my_answer(view: View) -> str:
    if view.my_score == "":
        return ("Choose an answer and send it. You can change it until voting closes." if view.open
                else "You did not answer this one.")
    shown = escape(answer_words(view.plan, view.my_score))
    said = f"Your answer: <b>{shown}</b>"
    if view.about is not None and view.my_prediction != "":
        other = escape(view.plan.group(view.about).name)
        said += f"; you expect {other} to say <b>{escape(answer_words(view.plan, view.my_prediction))}</b>"
    return said + (". You can change it until voting closes." if view.open else ".")


def _refresh(words: str) -> str:
    """Without JavaScript nothing follows the facilitator by itself: a link does it by hand."""
    return f'<p class="nojs-only"><a class="button-link" href="/">{escape(words)}</a></p>'


def _results(view: View) -> str:
    r, plan = view.result, view.plan
    if r is None:
        return '<p>The results will show here when the facilitator reveals them.</p>'
    gap = f'<p class="gap"><strong>{escape(result_gap_words(r, plan.group_names))}.</strong></p>' if r.pair else ""
    flags = f'<p class="flags">Flags: {escape(", ".join(r.flags))}.</p>' if r.flags else ""
    if r.perceptions:  # the perception round: what each side expected of the other, in words
        flags += '<ul class="perceptions">' + "".join(
            f"<li>{escape(perception_words(x, plan.group_names))}.</li>" for x in r.perceptions.values()) + "</ul>"
    blocks = "".join(group_block(plan, g.name, r.groups[g.id]) for g in plan.groups)
    return (f'<div class="results"><h3 id="results" tabindex="-1">Results</h3>{gap}{flags}'
            f'{blocks}</div>')


def group_block(plan: Plan, name: str, s: GroupStats) -> str:
    """One group as the projector shows it: the mean, how many, and a bar per scale point."""
    title = f'<h4>{escape(name)}</h4>'
    dk = f", {s.dont_know} don't know" if s.dont_know else ""
    if s.suppressed:
        # min_group_size: so few answers that showing them could give away who answered what.
        return (f'<div class="group">{title}<p class="headline"><em>{sentence(TOO_FEW)}</em> '
                f'({plural(s.n, "score")}).</p></div>')
    if s.mean is None:
        return f'<div class="group">{title}<p class="headline">No scores yet{dk}.</p></div>'
    top = max(list(s.counts.values()) + [s.dont_know, 1])
    rows = [(answer_words(plan, point), s.counts.get(point, 0)) for point in reversed(plan.scale.points)]
    if plan.scale.dont_know:
        rows.append(("Don't know", s.dont_know))
    items = "".join(
        f'<li><span class="label">{escape(words)}</span><span class="track" aria-hidden="true">'
        f'<span class="bar" style="width:{round(count / top * 100)}%"></span></span>'
        f'<span class="count"><span class="sr">: </span>{count}</span></li>'
        for words, count in rows)
    return (f'<div class="group">{title}<p class="headline"><b>Mean {number(s.mean)}</b> from '
            f'{plural(s.n, "score")}{dk}.</p><ul class="bars">{items}</ul></div>')


def sentence(text: str) -> str:
    """Server messages are written in lower case for logs and JSON; on the page they start a sentence."""
    return text[:1].upper() + text[1:] if text else ""
