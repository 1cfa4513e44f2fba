"""The session as one self-contained HTML report to circulate and print: inline CSS and SVG, no scripts."""

from __future__ import annotations

from pathlib import Path

from ..analytics import BLIND_SPOT
from ..wording import (
    DASH, TOO_FEW, fact_answer, move_parts, number, pair_label, plural, result_gap, result_gap_words, signed,
)
from . import replace_atomically
from .charts import distribution_chart, e, gap_chart, trend_chart
from .report import (
    SUMMARY_EMPTY, SUMMARY_HEADINGS, TREND_LEGEND, comparison_explained, comparison_groups, comparison_rows,
    details, gap_explained, headlines, name_of, numbers, only_in, pair_names, pair_of, principle_meta, session_label,
    stats_text,
    trend_gap_heading, trend_gaps, trend_value, turnout,
)

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #111; background: #fff; line-height: 1.45; font-size: 15px;
  max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 .6rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #111;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1.1rem 0 .35rem; break-after: avoid; page-break-after: avoid; }
h4 { font-size: .95rem; margin: .5rem 0 .15rem; }
p { margin: .3rem 0 .6rem; }
a { color: inherit; }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; }
dl.details dt { font-weight: 600; }
dl.details dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .93em; }
table.narrow { width: auto; min-width: 50%; }
th, td { border-bottom: 1px solid #bbb; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #111; }
tr { break-inside: avoid; page-break-inside: avoid; }
.nowrap { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.too-few { font-style: italic; }
.muted { color: #444; }
.flag { display: inline-block; border: 1px solid #111; border-radius: 3px; padding: 0 .3rem;
  font-size: .8em; margin-right: .25rem; white-space: nowrap; }
ul { padding-left: 1.2rem; margin: .2rem 0 .8rem; }
li { margin: .15rem 0; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; fill: #111; }
.chart { break-inside: avoid; page-break-inside: avoid; margin: .4rem 0 1rem; }
.principle { break-inside: avoid; page-break-inside: avoid; border-top: 1px solid #888; padding: .6rem 0 .7rem; }
.principle h3 { margin-top: .1rem; }
h2 + .principle { border-top: 0; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.dists { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: .2rem 1.5rem; }
.dist svg { max-width: 22rem; }
.trends { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: .4rem 1.5rem; }
blockquote { margin: .25rem 0 .45rem; padding-left: .7rem; border-left: 3px solid #888; }
blockquote footer { font-size: .85em; color: #444; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; color: #000; background: #fff; }
  h2 { margin-top: 1.2rem; }
  .new-page { break-before: page; page-break-before: always; }
  a { text-decoration: none; }
  .muted, blockquote footer { color: #222; }
}
"""

LOCAL = '<p class="muted">A local principle, added by this plan.</p>'


def page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"workshop\">\n"
            f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def flag_badges(flags) -> str:
    return "".join(f'<span class="flag">{e(f)}</span>' for f in flags)


# --- the session report ------------------------------------------------------------------------

def details_html(rows: list[tuple[str, str]]) -> str:
    return '<dl class="details">' + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>"


def stats_cell(stats) -> str:
    words = stats_text(stats)
    return f'<span class="too-few">{e(words)}</span>' if stats.suppressed else e(words)


def _turnout(record) -> list[str]:
    out = ['<h2 id="who">Who took part</h2>', "<table class=\"narrow\"><thead><tr><th>Group</th><th class=\"num\">Ballots</th>"
           "<th class=\"num\">Most on one principle</th>" + ("" if record.plan.anonymous else "<th>Names</th>")
           + "</tr></thead><tbody>"]
    for t in turnout(record):
        out.append(f"<tr><td>{e(t.group)}</td><td class=\"num\">{t.ballots}</td><td class=\"num\">{t.most}</td>"
                   + ("" if record.plan.anonymous else f"<td>{e(', '.join(t.names) or '–')}</td>") + "</tr>")
    out.append("</tbody></table>")
    if record.plan.anonymous:
        out.append('<p class="muted">Ballots were anonymous: this report holds no names.</p>')
    return out


def _summary(record) -> list[str]:
    plan = record.plan
    out = ['<h2 id="summary">Summary</h2>']
    for flag, items in headlines(record.results).items():
        out.append(f"<h3>{e(SUMMARY_HEADINGS[flag])}</h3>")
        if not items:
            out.append(f'<p class="muted">{e(SUMMARY_EMPTY[flag])}</p>')
            continue
        out.append("<ul>")
        for i, r in items:
            means = "; ".join(f"{e(name_of(plan, g))} {stats_cell(s)}" for g, s in r.groups.items())
            gap = f"<strong>{e(result_gap_words(r, plan.group_names))}</strong>. " if flag == BLIND_SPOT else ""
            out.append(f'<li><a href="#p{i}"><strong>{i}.</strong></a> {e(r.principle.statement)} '
                       f'<span class="muted">— {gap}{means}</span></li>')
        out.append("</ul>")
    return out


def _principle(plan, i: int, r) -> str:
    p = r.principle
    meta = e(principle_meta(plan, p))
    hidden = [g for g in r.pair if r.groups[g].suppressed]
    voted = any(s.ballots for s in r.groups.values())
    if not voted:
        gap = ""
    elif r.gap is not None:
        gap = f"<p><strong>{e(result_gap_words(r, plan.group_names))}</strong> (gap {e(signed(result_gap(r)))})</p>"
    elif hidden:
        gap = f'<p class="too-few">{e(result_gap_words(r, plan.group_names))}.</p>'
    else:
        gap = f'<p class="muted">{e(result_gap_words(r, plan.group_names))}.</p>'
    dists = [] if voted else ['<p class="muted">No ballots on this principle.</p>']
    for g, s in r.groups.items() if voted else ():
        name = name_of(plan, g)
        if s.suppressed:
            body = (f'<p class="too-few">{plural(s.n, "score")}; a result needs {plan.min_group_size} '
                    'or more, so none is shown.</p>')
            head = f"{e(name)}: <span class=\"too-few\">{TOO_FEW}</span>"
        elif not s.ballots:
            body, head = '<p class="muted">No ballots.</p>', e(name)
        else:
            head = f"{e(name)}: mean {e(number(s.mean))}" if s.mean is not None else f"{e(name)}: no scores"
            facts = f"n {s.n} · {s.dont_know} don't know" + (f" · median {number(s.median)}" if s.mean is not None else "")
            body = f'<p class="muted">{e(facts)}</p>' + distribution_chart(s, plan.scale, name)
        dists.append(f'<div class="dist"><h4>{head}</h4>{body}</div>')
    sources = "".join(f"<blockquote>{e(s.quote)}<footer>— {e(s.label)}</footer></blockquote>" for s in p.sources)
    return (f'<section class="principle" id="p{i}"><h3>{i}. {e(p.statement)}</h3>'
            f'<p class="muted">{meta} {flag_badges(r.flags)}</p>{gap}'
            f'<div class="dists">{"".join(dists)}</div>'
            f'<h4>Source</h4>{sources or LOCAL}</section>')


def session_html(record) -> str:
    plan = record.plan
    pair = pair_of(record)
    first, second = pair_names(plan, pair)
    nums = numbers(plan)
    body = [f"<header><h1>{e(plan.title)}</h1>{details_html(details(record))}</header>"]
    if plan.facts:
        body.append('<h2>Facts about the area</h2><p class="muted">Recorded in the plan before the workshop, '
                    'not rated.</p><dl class="details">'
                    + "".join(f"<dt>{e(f.question)}</dt><dd>{e(fact_answer(f))}</dd>" for f in plan.facts) + "</dl>")
    body += _turnout(record)

    # The heading, its explanation and the first block of the chart stay on one page.
    intro = (f'<h2 id="gaps">Gaps: {e(pair_label(pair, plan.group_names))}</h2>'
             f'<p class="muted">{e(gap_explained(plan, pair))} Bars to the left: {e(second)} rates it lower '
             f'(on a scale of {plan.scale.min} to {plan.scale.max}).</p>')
    # "No gap" would read as agreement: the chart says why there is no number, naming the pair.
    rows = [(str(i), r.principle.statement, result_gap(r), result_gap_words(r, plan.group_names))
            for i, r in enumerate(record.results, 1)]
    charts = gap_chart(rows, plan.scale.range, first, second) or [""]
    body += [f'<div class="keep">{intro}{charts[0]}</div>'] + charts[1:]
    body += _summary(record)

    body.append('<h2 id="notes">Notes</h2>')
    if record.notes:
        body.append("<ul>" + "".join(
            f"<li>{f'<strong>On {nums[n.principle_id]}.</strong> ' if n.principle_id in nums else ''}{e(n.text)}</li>"
            for n in record.notes) + "</ul>")
    else:
        body.append('<p class="muted">No notes.</p>')

    body.append('<h2 id="actions">Actions</h2>')
    if record.actions:
        body.append("<table><thead><tr><th>Action</th><th>Owner</th><th>Due</th><th>Status</th>"
                    "<th class=\"num\">Principle</th></tr></thead><tbody>")
        for act in record.actions:
            status = act.status + (f" ({act.status_note})" if act.status_note else "")
            ref = nums.get(act.principle_id or "")
            link = f'<a href="#p{ref}">{ref}</a>' if ref else DASH
            body.append(f"<tr><td>{e(act.text)}</td><td>{e(act.owner or DASH)}</td>"
                        f"<td class=\"num\">{e(act.due or DASH)}</td><td>{e(status)}</td>"
                        f"<td class=\"num\">{link}</td></tr>")
        body.append("</tbody></table>")
    else:
        body.append('<p class="muted">No actions.</p>')

    body.append('<h2 id="principles" class="new-page">Every principle: results and sources</h2>')
    body += [_principle(plan, i, r) for i, r in enumerate(record.results, 1)]
    return page(plan.title, body)


def write(record, path: Path) -> None:
    with replace_atomically(path) as fh:
        fh.write(session_html(record))


# --- comparisons and trends --------------------------------------------------------------------

def move_cell(before: float | None, after: float | None, *, gap: bool = False) -> str:
    """A move in a cell, worded by wording.move: the then → now, and under it the change in bold.

    Two short lines leave the statements the width of the page.
    """
    head, rest = move_parts(before, after, gap=gap)
    return f'<td class="num">{e(head)}' + (f"<br> <strong>{e(rest)}</strong>" if rest else "") + "</td>"


def write_comparison(comparison, path: Path) -> None:
    before, after = comparison.before, comparison.after
    plan = after.plan
    groups = comparison_groups(comparison)
    title = f"{plan.locality or plan.title}: then and now"
    body = [f"<header><h1>{e(title)}</h1>" + details_html([
        ("Then", f"{session_label(before)} (session {before.session.id})"),
        ("Now", f"{session_label(after)} (session {after.session.id})")]) + "</header>",
        f'<p class="muted">{e(comparison_explained(comparison))}</p>']
    rows = comparison_rows(comparison)
    if rows:
        body.append("<table><thead><tr><th class=\"num\">#</th><th>Principle</th>"
                    + "".join(f"<th class=\"num\">{e(g.name)}</th>" for g in groups)
                    + "<th class=\"num\">Gap</th></tr></thead><tbody>")
        for n, c, old, gaps in rows:
            wording = (f'<br><span class="flag">wording changed</span> <span class="muted">then: “{e(old)}”</span>'
                       if old is not None else "")
            cells = "".join(move_cell(c.groups[g.id].before, c.groups[g.id].after) if g.id in c.groups
                            else f'<td class="num">{DASH}</td>' for g in groups)
            body.append(f"<tr><td class=\"num\">{n}</td><td>{e(c.principle.statement)}{wording}</td>{cells}"
                        f"{move_cell(*gaps, gap=True)}</tr>")
        body.append("</tbody></table>")
    else:
        body.append("<p>No principle was asked in both sessions.</p>")
    earlier_only, later_only = only_in(comparison)
    for heading, items in (("Asked only then", earlier_only), ("Asked only now", later_only)):
        if items:
            body.append(f"<h2>{heading}</h2><ul>" + "".join(f"<li>{e(s)}</li>" for s in items) + "</ul>")
    with replace_atomically(path) as fh:
        fh.write(page(title, body))


def write_trend(trend, path: Path) -> None:
    low, high = trend.scale_range
    span = high - low
    title = f"{trend.locality}: gaps over time"
    body = [f"<header><h1>{e(title)}</h1></header>", "<h2>Sessions</h2>", "<table><thead><tr><th>Date</th>"
            "<th>Session</th><th class=\"num\">Ballots</th></tr></thead><tbody>"]
    body += [f"<tr><td>{e(s.date)}</td><td>{e(s.title)} <span class=\"muted\">({e(s.id)})</span></td>"
             f"<td class=\"num\">{s.ballots}</td></tr>" for s in trend.sessions]
    body += ["</tbody></table>", "<h2>Each principle's gap</h2>",
             f'<p class="muted">{e(trend_gap_heading(trend))}, from the means as shown, from {signed(-span, 0)} '
             f'to {signed(span, 0)}, in every session, oldest first: {e(TREND_LEGEND)}.</p>',
             '<div class="trends">']
    labels = list(trend.labels)
    for i, t in enumerate(trend.trends, 1):
        gaps = trend_gaps(trend, t)
        shown = [f"{label}: {trend_value(trend, p)}" for label, p in zip(labels, t.points)]
        values = " ".join(f'<span class="nowrap">{e(v)}{";" * (k < len(shown) - 1)}</span>' for k, v in enumerate(shown))
        chart = (trend_chart(gaps, labels, span) if any(g is not None for g in gaps)
                 else '<p class="muted">No gap in any session yet.</p>')
        body.append(f'<section class="principle"><h3>{i}. {e(t.principle.statement)}</h3>'
                    f'<p class="muted">{values}</p>{chart}</section>')
    body.append("</div>")
    with replace_atomically(path) as fh:
        fh.write(page(title, body))
