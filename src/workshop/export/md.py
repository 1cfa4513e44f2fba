"""The session, a comparison and a trend as Markdown reports, for an email or a wiki."""

from __future__ import annotations

from pathlib import Path

from ..wording import DASH, fact_answer, move, pair_label, result_gap, signed
from . import replace_atomically
from .report import (
    ANONYMOUS_NOTE, COMMENTS_NOTE, FACTS_NOTE, LOCAL_PRINCIPLE, NO_ACTIONS, NO_MISREAD, NO_NOTES, NONE_IN_BOTH,
    PERCEPTION_HEADING, PERCEPTION_NOTE, SUMMARY_EMPTY, SUMMARY_HEADINGS, TREND_LEGEND, WORDING_LEGEND, WORDING_MARK,
    ALL_HEADING, OTHERS_HEADING, comparison_explained, misread, perception_sentences, NO_PRIORITIES,
    PRIORITIES_HEADING, priorities_note,
    priority_rows,
    comparison_groups, comparison_rows, details, gap_explained, headlines, numbers, only_in, pair_of, principle_meta,
    comment_text, principle_comments, session_label,
    stats_text, summary_line, trend_gap_heading, trend_row, turnout, turnout_text,
)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _session_markdown(record) -> str:
    plan = record.plan
    pair = pair_of(record)
    nums = numbers(plan)
    out = [f"# {plan.title}", ""]
    out += [f"- **{k}:** {v}" for k, v in details(record)]
    if plan.facts:
        out += ["", "## Facts about the area", "", FACTS_NOTE, ""]
        out += [f"- {f.question} **{fact_answer(f)}**" for f in plan.facts]
    out += ["", "## Who took part", ""]
    out += [f"- {turnout_text(t)}" for t in turnout(record)]
    if plan.anonymous:
        out += ["", ANONYMOUS_NOTE]

    out += ["", "## Summary", ""]
    for flag, items in headlines(record.results).items():
        out += [f"### {SUMMARY_HEADINGS[flag]}", ""]
        if not items:
            out += [SUMMARY_EMPTY[flag], ""]
            continue
        for i, r in items:
            principle, said = summary_line(plan, i, r)
            out.append(f"- **{principle}** {said}.")
        out.append("")

    if plan.priorities:
        out += _priorities_markdown(record)
    if plan.perception:
        out += _perception_markdown(record)

    out += ["## Every principle", "",
            f"{gap_explained(plan, pair)} n is the number of scores; dk the don't knows.", ""]
    header = ["#", "Principle"] + [g.name for g in plan.groups] + [f"Gap ({pair_label(pair, plan.group_names)})",
                                                                    "Flags"]
    rows = [[str(i), r.principle.statement] + [stats_text(r.groups[g.id]) for g in plan.groups]
            + [signed(result_gap(r)), ", ".join(r.flags)] for i, r in enumerate(record.results, 1)]
    out += table(header, rows, right=(0, len(header) - 2)) + [""]

    commented = principle_comments(record)
    if commented:
        out += ["## Comments from the room", "", COMMENTS_NOTE, ""]
        for pc in commented:
            out += [f"**{pc.number}. {pc.result.principle.statement}**", ""]
            out += [f"- *{plan.group_names[g]}:* {' '.join(comment_text(t).split())}" for g, t in pc.comments]
            out.append("")

    out += ["## Notes", ""]
    out += [f"- {_on(nums, n.principle_id)}{n.text}" for n in record.notes] or [NO_NOTES]
    out += ["", "## Actions", ""]
    if record.actions:
        out += table(["Action", "Owner", "Due", "Status", "Principle"],
                     [[a_.text, a_.owner or DASH, a_.due or DASH,
                       a_.status + (f" ({a_.status_note})" if a_.status_note else ""),
                       str(nums[a_.principle_id]) if a_.principle_id in nums else DASH] for a_ in record.actions])
    else:
        out.append(NO_ACTIONS)

    out += ["", "## Sources", ""]
    for i, r in enumerate(record.results, 1):
        p = r.principle
        out += [f"**{i}. {p.statement}**  ", principle_meta(plan, p), ""]
        out += [f"> {s.quote}  \n> — *{s.label}*\n" for s in p.sources] or [LOCAL_PRINCIPLE, ""]
    return "\n".join(out).rstrip() + "\n"


def _perception_markdown(record) -> list[str]:
    """The perception round: the principles misread first, then what each side expected on the
    others, so each sentence is said once however many principles were misread."""
    plan = record.plan
    out = [f"## {PERCEPTION_HEADING}", "", PERCEPTION_NOTE, "", "### Misread", ""]
    found = misread(record)
    out += [f"- **{i}. {r.principle.statement}** {' '.join(s + '.' for s in said)}" for i, r, said in found]
    if not found:
        out += [NO_MISREAD]
    numbers = {i for i, _, _ in found}
    others = [f"- **{i}.** {' '.join(s + '.' for s in perception_sentences(plan, r))}"
              for i, r in enumerate(record.results, 1) if i not in numbers]
    if others:
        out += ["", f"### {OTHERS_HEADING if found else ALL_HEADING}", ""] + others
    return out + [""]


def _priorities_markdown(record) -> list[str]:
    """The priorities round's ranking: most dots first, every statement whole."""
    plan = record.plan
    out = [f"## {PRIORITIES_HEADING}", "", priorities_note(plan), ""]
    rows = [[str(r.rank), str(r.number), r.principle.statement, *r.dots, str(r.total)] for r in priority_rows(record)]
    if not rows:
        return out + [NO_PRIORITIES, ""]
    header = ["Rank", "#", "Principle", *(g.name for g in plan.groups), "Total"]
    return out + table(header, rows, right=(0, 1, *range(3, len(header)))) + [""]


def _on(nums: dict[str, int], principle_id: str | None) -> str:
    return f"(on {nums[principle_id]}) " if principle_id in nums else ""


def write(record, path: Path) -> None:
    with replace_atomically(path) as fh:
        fh.write(_session_markdown(record))


# --- comparisons and trends -------------------------------------------------------------------

def write_comparison(comparison, path: Path) -> None:
    before, after = comparison.before, comparison.after
    plan = after.plan
    groups = comparison_groups(comparison)
    out = [f"# {plan.locality or plan.title}: then and now", "",
           f"- **Then:** {session_label(before)} (session {before.session.id})",
           f"- **Now:** {session_label(after)} (session {after.session.id})", "",
           f"{comparison_explained(comparison)} {WORDING_LEGEND}", ""]
    header = ["#", "Principle"] + [g.name for g in groups] + ["Gap"]
    rows = []
    for n, c, _, gaps in comparison_rows(comparison):
        moves = [move(c.groups[g.id].before, c.groups[g.id].after) if g.id in c.groups else DASH for g in groups]
        rows.append([str(n), c.principle.statement + (f" {WORDING_MARK}" if c.wording_changed else "")] + moves
                    + [move(*gaps, gap=True)])
    out += table(header, rows, right=(0,)) if rows else [NONE_IN_BOTH]
    changed = [(n, c, old) for n, c, old, _ in comparison_rows(comparison) if old is not None]
    if changed:
        out += ["", "## Wording that changed", ""]
        out += [f"- **{n}.** then: “{old}”; now: “{c.principle.statement}”" for n, c, old in changed]
    earlier_only, later_only = only_in(comparison)
    for heading, items in (("Asked only then", earlier_only), ("Asked only now", later_only)):
        if items:
            out += ["", f"## {heading}", ""] + [f"- {s}" for s in items]
    with replace_atomically(path) as fh:
        fh.write("\n".join(out) + "\n")


def write_trend(trend, path: Path) -> None:
    low, high = trend.scale_range
    span = high - low
    out = [f"# {trend.locality}: gaps over time", ""]
    out += [f"- {s.date}: {s.title} (session {s.id}, {s.ballots} ballots)" for s in trend.sessions] or ["No sessions."]
    out += ["", f"{trend_gap_heading(trend)}, from the means as shown, one column per session, oldest first; "
            f"{TREND_LEGEND}. In the trend, ▁ is a gap of {signed(-span, 0)}, █ is {signed(span, 0)}; "
            "in it too, – is no gap to show and · not asked.", ""]
    header = ["#", "Principle"] + list(trend.labels) + ["Trend"]
    rows = []
    for i, t in enumerate(trend.trends, 1):
        values, line = trend_row(trend, t)
        rows.append([str(i), t.principle.statement, *values, line])
    out += table(header, rows, right=tuple(range(2, len(header) - 1)) + (0,)) if rows else ["No principles yet."]
    with replace_atomically(path) as fh:
        fh.write("\n".join(out) + "\n")
