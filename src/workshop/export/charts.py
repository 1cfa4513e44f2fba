"""The HTML report's charts as inline SVG: every value and label written out, so they read in black and white."""

from __future__ import annotations

from html import escape
from textwrap import wrap

from ..wording import signed

FONT = 12  # px in the charts' own units; the charts are drawn about as wide as the printed text
NEGATIVE, POSITIVE, BAR = "#9c4a00", "#1f5f99", "#4d4d4d"


def e(text) -> str:
    return escape(str(text), quote=True)


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


def gap_chart(rows: list[tuple[str, str, float | None, str]], span: int, first: str, second: str,
              first_page: float = 820, page_height: float = 950) -> list[str]:
    """A diverging bar per principle, split into blocks that each fit on a printed page.

    rows: (number, statement, gap, what to say when there is no gap). Every bar has its number and
    its value written beside it, so the chart reads in black and white; the statement is whole, on
    as many lines as it needs, and its row grows to fit. The first block is shorter: it shares its
    page with the section's heading and explanation (the section starts a printed page).
    """
    width, line_h, top = 720, 14, 40
    centre, half = 520, 150
    scale = half / (span or 1)
    laid = []
    for num, statement, value, missing in rows:
        lines = wrap(statement, 48, break_on_hyphens=False) or [""]
        why = [] if value is not None else wrap(missing, 30, break_on_hyphens=False)
        laid.append(((num, value, why), lines, 8 + line_h * max(len(lines), len(why))))
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
        for i, ((num, value, why), lines, h) in enumerate(chunk):
            if i % 2:
                bands.append(f'<rect x="0" y="{y}" width="{width}" height="{h}" fill="#f2f2f2"/>')
            first_line = y + (h - line_h * len(lines)) / 2 + line_h - 3
            marks.append(text(28, first_line, num, anchor="end", weight="700"))
            marks += [text(36, first_line + k * line_h, line) for k, line in enumerate(lines)]
            mid = y + h / 2 + 4
            if value is None:
                first_why = y + (h - line_h * len(why)) / 2 + line_h - 3
                marks += [text(centre + 6, first_why + k * line_h, line, style="italic", fill="#333", halo=True)
                          for k, line in enumerate(why)]
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
