"""The session as one self-contained HTML report to circulate and print: inline CSS and SVG, no scripts."""

from __future__ import annotations

from html import escape
from pathlib import Path
from textwrap import wrap

from ..analytics import BLIND_SPOT
from ..wording import result_gap, result_gap_words
from . import replace_atomically
from .md_export import (
    SUMMARY_EMPTY, SUMMARY_HEADINGS, TOO_FEW, arrow, comparison_rows, details, gap_move, headlines, name_of, number,
    numbers, only_in, signed, stats_text, trend_columns, trend_value, turnout,
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

FONT = 12  # px in the charts' own units; the charts are drawn about as wide as the printed text
LOCAL = '<p class="muted">A local principle, added by this plan.</p>'
NEGATIVE, POSITIVE, BAR = "#9c4a00", "#1f5f99", "#4d4d4d"


def e(text) -> str:
    return escape(str(text), quote=True)


def page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"workshop\">\n"
            f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def text(x: float, y: float, content, *, anchor: str = "start", size: float = FONT, weight: str = "",
         style: str = "", fill: str = "", halo: bool = False) -> str:
    extra = (f' font-weight="{weight}"' if weight else "") + (f' font-style="{style}"' if style else "") + (
        f' fill="{fill}"' if fill else "") + (
        ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"' if halo else "")
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{extra}>'
            f'{e(content)}</text>')


def svg(width: float, height: float, label: str, parts: list[str]) -> str:
    return (f'<svg viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
            f'aria-label="{e(label)}">' + "".join(parts) + "</svg>")


def shorten(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def flag_badges(flags) -> str:
    return "".join(f'<span class="flag">{e(f)}</span>' for f in flags)


# --- charts -----------------------------------------------------------------------------------

def gap_chart(rows: list[tuple[str, str, float | None, str]], span: int, first: str, second: str,
              first_page: float = 400, page_height: float = 950) -> list[str]:
    """A diverging bar per principle, split into blocks that each fit on a printed page.

    rows: (number, statement, gap, what to say when there is no gap). Every bar has its number and
    its value written beside it, so the chart reads in black and white; the statement takes up to
    two lines. The first block is shorter: it shares its page with the report's title.
    """
    width, line_h, top = 720, 14, 40
    centre, half = 520, 150
    scale = half / (span or 1)
    laid = []
    for row in rows:
        lines = wrap(row[1], 48) or [""]
        if len(lines) > 2:
            lines = [lines[0], shorten(" ".join(lines[1:]), 48)]
        laid.append((row, lines, 8 + line_h * len(lines)))
    chunks: list[list] = []
    used, limit = 0.0, first_page
    for item in laid:
        if not chunks or used + item[2] > limit:
            if chunks:
                limit = page_height
            chunks.append([])
            used = 0.0
        chunks[-1].append(item)
        used += item[2]

    charts = []
    for chunk in chunks:
        height = top + sum(h for _, _, h in chunk) + 6
        parts = [text(centre - 8, 13, f"← {second} rates lower", anchor="end", weight="600"),
                 text(centre + 8, 13, f"{second} rates higher →", weight="600")]
        bands, grid, marks = [], [], []
        for tick in range(-span, span + 1):
            x = centre + tick * scale
            grid.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 4}" '
                        f'stroke="{"#111" if tick == 0 else "#bbb"}" stroke-width="{1.2 if tick == 0 else 0.6}"/>')
            if tick % (1 if span <= 6 else 2) == 0:  # a long scale labels every other line
                grid.append(text(x, top - 10, signed(tick, 0), anchor="middle", size=FONT - 1))
        y = top
        for i, ((num, _, value, missing), lines, h) in enumerate(chunk):
            if i % 2:
                bands.append(f'<rect x="0" y="{y}" width="{width}" height="{h}" fill="#f2f2f2"/>')
            first_line = y + (h - line_h * len(lines)) / 2 + line_h - 3
            marks.append(text(28, first_line, num, anchor="end", weight="700"))
            marks += [text(36, first_line + k * line_h, line) for k, line in enumerate(lines)]
            mid = y + h / 2 + 4
            if value is None:
                marks.append(text(centre + 6, mid, missing, style="italic", fill="#333", halo=True))
            else:
                length = abs(value) * scale
                x = centre - length if value < 0 else centre
                marks.append(f'<rect x="{x:.1f}" y="{y + h / 2 - 6:.1f}" width="{max(length, 1):.1f}" height="12" '
                             f'fill="{NEGATIVE if value < 0 else POSITIVE}"/>')
                label_x, anchor = (x - 4, "end") if value < 0 else (centre + length + 4, "start")
                marks.append(text(label_x, mid, signed(value), anchor=anchor, weight="700", halo=True))
            y += h
        # Bands under the grid, and the numbers over it with a white edge, so no line crosses a value.
        parts += bands + grid + marks
        charts.append('<div class="chart">' + svg(width, height, f"Gap per principle: {second} − {first}", parts)
                      + "</div>")
    return charts


def distribution_chart(stats, scale, group: str) -> str:
    """One bar per score with the score, its words and the count written out; don't know last."""
    rows = [(str(p), scale.labels.get(p, ""), stats.counts.get(p, 0)) for p in reversed(scale.points)]
    if scale.dont_know:
        rows.append(("dk", "Don't know", stats.dont_know))
    width, row_h = 320, 18
    label_w = 24 + 6.6 * max((len(words) for _, words, _ in rows), default=0)
    bar_x, bar_w = label_w + 6, width - label_w - 6 - 30
    top = max([c for _, _, c in rows] + [1])
    parts = []
    for i, (point, words, count) in enumerate(rows):
        y = i * row_h
        mid = y + row_h / 2 + 4
        parts.append(text(16, mid, point, anchor="end", weight="700"))
        parts.append(text(22, mid, words, fill="#333"))
        length = count / top * bar_w
        if count:
            parts.append(f'<rect x="{bar_x:.1f}" y="{y + 3}" width="{length:.1f}" height="{row_h - 6}" '
                         f'fill="{BAR if point != "dk" else "#999"}"/>')
        else:
            parts.append(f'<line x1="{bar_x:.1f}" y1="{y + 3}" x2="{bar_x:.1f}" y2="{y + row_h - 3}" stroke="#999"/>')
        parts.append(text(bar_x + length + 4, mid, count, weight="700"))
    return svg(width, row_h * len(rows) + 2, f"How {group} scored", parts)


def trend_chart(values: list[float | None], dates: list[str], span: int) -> str:
    """The gap in each session as points joined by a line, every value and date written out.

    dates are the trend's column headings: a date, then a short session id where two share a date.
    """
    width, height, left, right, top, bottom = 360, 150, 44, 40, 18, 34
    inner_w, inner_h = width - left - right, height - top - bottom
    inset = 26  # keeps the first and last values clear of the scale and the edge
    step = (inner_w - 2 * inset) / max(len(values) - 1, 1)
    xs = [left + (inner_w / 2 if len(values) == 1 else inset + i * step) for i in range(len(values))]

    def y_of(v: float) -> float:
        return top + (span - v) / (2 * span or 1) * inner_h

    parts = []
    for tick in range(-span, span + 1):
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="{"#111" if tick == 0 else "#ddd"}" stroke-width="{1.1 if tick == 0 else 0.6}"/>')
        if tick in (-span, 0, span):
            parts.append(text(left - 5, y + 4, signed(tick, 0), anchor="end", size=FONT - 1))
    run: list[str] = []
    for x, v in list(zip(xs, values)) + [(0, None)]:
        if v is None:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{POSITIVE}" stroke-width="2"/>')
            run = []
        else:
            run.append(f"{x:.1f},{y_of(v):.1f}")
    small = len(values) > 5
    for x, v, date in zip(xs, values, dates):
        if v is not None:
            y = y_of(v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{POSITIVE}"/>')
            # Above the point, unless that would leave the chart.
            parts.append(text(x, y - 8 if y - 8 > top + 4 else y + 17, signed(v), anchor="middle", weight="700",
                              halo=True))
        day, _, short = date.partition(" ")  # a short session id follows the date when two share it
        colour = "#111" if v is not None else "#777"
        parts.append(text(x, height - bottom + 18, day[2:] if small else day, anchor="middle",
                          size=FONT - (2 if small else 1), fill=colour))
        if short:
            parts.append(text(x, height - bottom + 30, short, anchor="middle", size=FONT - 2, fill=colour))
    return svg(width, height, "Gap over time", parts)


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
    a, b = plan.groups[0], plan.groups[1]
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
    a, b = plan.groups[0], plan.groups[1]
    p = r.principle
    meta = f"{e(plan.theme_title(p.theme))} · addressed to {e(p.addressed_to)}"
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
            body = (f'<p class="too-few">{s.n} score{"s" * (s.n != 1)}; a result needs {plan.min_group_size} '
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
    a, b = plan.groups[0], plan.groups[1]
    nums = numbers(plan)
    body = [f"<header><h1>{e(plan.title)}</h1>{details_html(details(record))}</header>"]
    body += _turnout(record)

    # The heading, its explanation and the first block of the chart stay on one page.
    intro = (f'<h2 id="gaps">Gaps: {e(b.name)} − {e(a.name)}</h2>'
             f'<p class="muted">Each bar is {e(b.name)}\'s mean minus {e(a.name)}\'s, on a scale of '
             f'{plan.scale.min} to {plan.scale.max}. Bars to the left: {e(b.name)} rates it lower.</p>')
    rows = []
    for i, r in enumerate(record.results, 1):
        pair = list(r.groups.values())[:2]
        hidden = any(s.suppressed for s in pair)
        # "No gap" would read as agreement: say why there is no number.
        why = TOO_FEW if hidden else "no ballots" if not any(s.ballots for s in pair) else \
            "one side has no scores"
        rows.append((str(i), r.principle.statement, r.gap, why))
    charts = gap_chart(rows, plan.scale.range, a.name, b.name) or [""]
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
            link = f'<a href="#p{ref}">{ref}</a>' if ref else "–"
            body.append(f"<tr><td>{e(act.text)}</td><td>{e(act.owner or '–')}</td>"
                        f"<td class=\"num\">{e(act.due or '–')}</td><td>{e(status)}</td>"
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
    if before is None and after is None:
        return '<td class="num">–</td>'
    show = signed if gap else number
    inner = f"{e(show(before))} → {e(show(after))}"
    if before is not None and after is not None:
        change = after - before
        inner += f" <strong>{arrow(change)} {e(signed(change))}</strong>"
        if gap and gap_move(before, after):
            inner += f" {gap_move(before, after)}"
    return f'<td class="num">{inner}</td>'


def write_comparison(comparison, path: Path) -> None:
    before, after = comparison.before, comparison.after
    plan = after.plan
    a, b = plan.groups[0], plan.groups[1]
    groups = [g for g in plan.groups if any(g.id in c.groups for c in comparison.changes)] or list(plan.groups)
    title = f"{plan.locality or plan.title}: then and now"
    body = [f"<header><h1>{e(title)}</h1>" + details_html([
        ("Then", f"{before.plan.title}, {before.plan.date.isoformat()} (session {before.session.id})"),
        ("Now", f"{after.plan.title}, {after.plan.date.isoformat()} (session {after.session.id})")]) + "</header>",
        f'<p class="muted">Each group\'s mean then → now, with ↑ ↓ → for the move; gap = {e(b.name)} − '
        f'{e(a.name)}. Biggest change first.</p>']
    rows = comparison_rows(comparison)
    if rows:
        body.append("<table><thead><tr><th class=\"num\">#</th><th>Principle</th>"
                    + "".join(f"<th class=\"num\">{e(g.name)}</th>" for g in groups)
                    + "<th class=\"num\">Gap</th></tr></thead><tbody>")
        for n, c, old in rows:
            wording = (f'<br><span class="flag">wording changed</span> <span class="muted">then: “{e(old)}”</span>'
                       if old is not None else "")
            cells = "".join(move_cell(c.groups[g.id].before, c.groups[g.id].after) if g.id in c.groups
                            else '<td class="num">–</td>' for g in groups)
            body.append(f"<tr><td class=\"num\">{n}</td><td>{e(c.principle.statement)}{wording}</td>{cells}"
                        f"{move_cell(c.gap_before, c.gap_after, gap=True)}</tr>")
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
    a, b = (trend.groups[0].name, trend.groups[1].name) if len(trend.groups) >= 2 else ("first group", "second")
    title = f"{trend.locality}: gaps over time"
    body = [f"<header><h1>{e(title)}</h1></header>", "<h2>Sessions</h2>", "<table><thead><tr><th>Date</th>"
            "<th>Session</th><th class=\"num\">Ballots</th></tr></thead><tbody>"]
    body += [f"<tr><td>{e(s.date)}</td><td>{e(s.title)} <span class=\"muted\">({e(s.id)})</span></td>"
             f"<td class=\"num\">{s.ballots}</td></tr>" for s in trend.sessions]
    body += ["</tbody></table>", "<h2>Each principle's gap</h2>",
             f'<p class="muted">Gap = {e(b)} mean − {e(a)} mean, from {signed(-span, 0)} to {signed(span, 0)}, '
             'in every session, oldest first: – is no gap to show, “not asked” a session without the principle.</p>',
             '<div class="trends">']
    labels = [label for _, label in trend_columns(trend)]
    for i, t in enumerate(trend.trends, 1):
        gaps = t.gaps
        values = " · ".join(f'<span class="nowrap">{e(label)}: {e(trend_value(p))}</span>'
                            for label, p in zip(labels, t.points))
        chart = (trend_chart(gaps, labels, span) if any(g is not None for g in gaps)
                 else '<p class="muted">No gap in any session yet.</p>')
        body.append(f'<section class="principle"><h3>{i}. {e(t.principle.statement)}</h3>'
                    f'<p class="muted">{values}</p>{chart}</section>')
    body.append("</div>")
    with replace_atomically(path) as fh:
        fh.write(page(title, body))
