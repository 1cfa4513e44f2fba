"""The session as a Markdown report for an email or a wiki; also the report's wording shared with HTML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..analytics import BLIND_SPOT, SHARED_CONCERN, SHARED_STRENGTH, GroupStats, sparkline, summary
from ..model import group_name
from ..wording import result_gap_words
from . import replace_atomically

TOO_FEW = "too few to show"
MINUS = "\u2212"  # a real minus sign: easier to read than a hyphen next to a number
SUMMARY_HEADINGS = {SHARED_STRENGTH: "Shared strengths", SHARED_CONCERN: "Shared concerns", BLIND_SPOT: "Blind spots"}
SUMMARY_EMPTY = {SHARED_STRENGTH: "No principle has both groups in the top quarter of the scale.",
                 SHARED_CONCERN: "No principle has both groups in the bottom 40% of the scale.",
                 BLIND_SPOT: "No principle has a gap of a quarter of the scale or more."}


# --- wording shared by the Markdown and HTML reports ------------------------------------------

def number(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{value:.{decimals}f}".replace("-", MINUS)


def signed(value: float | None, decimals: int = 1) -> str:
    """A gap or a change with its sign: +0.2, −2.3, 0.0."""
    if value is None:
        return "–"
    text = f"{value:+.{decimals}f}"
    if float(text) == 0:
        return f"{0:.{decimals}f}"
    return text.replace("-", MINUS)


def arrow(change: float | None) -> str:
    """↑ ↓ or → for a move, judged at the one decimal the report shows."""
    if change is None:
        return ""
    shown = round(change, 1)
    return "↑" if shown > 0 else "↓" if shown < 0 else "→"


def stats_text(stats: GroupStats) -> str:
    """One group's result in a few words: '4.3 (n 3, 1 dk)', 'too few to show', 'no scores'."""
    if stats.suppressed:
        return TOO_FEW
    dk = f", {stats.dont_know} dk" if stats.dont_know else ""
    if stats.mean is None:
        return f"no scores ({stats.dont_know} dk)" if stats.dont_know else "no ballots"
    return f"{number(stats.mean)} (n {stats.n}{dk})"


def group_names(plan) -> dict[str, str]:
    return {g.id: g.name for g in plan.groups}


def name_of(plan, group_id: str) -> str:
    return group_names(plan).get(group_id) or group_name(group_id)


def numbers(plan) -> dict[str, int]:
    """Principle id -> its number in the plan (1-based), as the room saw it."""
    return {p.id: i for i, p in enumerate(plan.principles, 1)}


@dataclass(frozen=True)
class Turnout:
    group: str  # display name
    ballots: int  # scores and don't knows on every principle
    most: int  # the most ballots on one principle: about how many people were in the group
    names: tuple[str, ...]  # only ever filled for a named session


def turnout(record) -> list[Turnout]:
    """Who took part, per group. Names come only from a named session's participants."""
    plan = record.plan
    named: dict[str, set[str]] = {}
    if not plan.anonymous:
        for b in record.ballots:
            name = record.names.get(b.participant or "")
            if name:
                named.setdefault(b.group, set()).add(name)
    rows = []
    for g in plan.groups:
        counts = [r.groups[g.id].ballots for r in record.results if g.id in r.groups]
        rows.append(Turnout(g.name, sum(counts), max(counts, default=0), tuple(sorted(named.get(g.id, ())))))
    return rows


def turnout_text(t: Turnout) -> str:
    if not t.ballots:
        return f"{t.group}: no ballots"
    text = f"{t.group}: {t.ballots} ballot{'s' * (t.ballots != 1)}, up to {t.most} on one principle"
    return text + (f" ({', '.join(t.names)})" if t.names else "")


def details(record) -> list[tuple[str, str]]:
    """The title block's lines as (label, value), leaving out what the plan did not give."""
    plan, s = record.plan, record.session
    rows = [("Date", f"{plan.date.day} {plan.date:%B %Y}"), ("Place", plan.place), ("Locality", plan.locality),
            ("Facilitator", plan.facilitator),
            ("Voting", ("anonymous" if plan.anonymous else "named")
             + (f"; groups with fewer than {plan.min_group_size} scores are not shown"
                if plan.min_group_size > 1 else "")),
            ("Scale", scale_text(plan.scale)),
            ("Session", f"{s.id} ({s.status})")]
    return [(k, v) for k, v in rows if v]


def scale_text(scale) -> str:
    labels = ", ".join(f"{k} {v}" for k, v in sorted(scale.labels.items()))
    return f"{scale.min} to {scale.max}" + (f" ({labels})" if labels else "") + (
        "; don't know is counted, never averaged" if scale.dont_know else "")


def headlines(results) -> dict[str, list]:
    """The summary's three lists, numbered as in the plan; blind spots widest gap first."""
    found = summary(results)
    found[BLIND_SPOT] = sorted(found[BLIND_SPOT], key=lambda item: -abs(item[1].gap or 0))
    return found


def summary_line(plan, number_: int, result) -> tuple[str, str]:
    """(principle, what the groups said) for one entry of the summary."""
    means = ", ".join(f"{name_of(plan, g)} {stats_text(s)}" for g, s in result.groups.items())
    said = (result_gap_words(result, plan.group_names) + "; " if BLIND_SPOT in result.flags else "") + means
    return f"{number_}. {result.principle.statement}", said


# --- Markdown ---------------------------------------------------------------------------------

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
    a, b = plan.groups[0], plan.groups[1]
    nums = numbers(plan)
    out = [f"# {plan.title}", ""]
    out += [f"- **{k}:** {v}" for k, v in details(record)]
    out += ["", "## Who took part", ""]
    out += [f"- {turnout_text(t)}" for t in turnout(record)]
    if plan.anonymous:
        out += ["", "Ballots were anonymous: this report holds no names."]

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

    out += ["## Every principle", "",
            f"Gap = {b.name} mean − {a.name} mean. n is the number of scores; dk the don't knows.", ""]
    header = ["#", "Principle"] + [g.name for g in plan.groups] + ["Gap", "Flags"]
    rows = [[str(i), r.principle.statement] + [stats_text(r.groups[g.id]) for g in plan.groups]
            + [signed(r.gap), ", ".join(r.flags)] for i, r in enumerate(record.results, 1)]
    out += table(header, rows, right=(0, len(header) - 2)) + [""]

    out += ["## Notes", ""]
    out += [f"- {_on(nums, n.principle_id)}{n.text}" for n in record.notes] or ["No notes."]
    out += ["", "## Actions", ""]
    if record.actions:
        out += table(["Action", "Owner", "Due", "Status", "Principle"],
                     [[a_.text, a_.owner or "–", a_.due or "–",
                       a_.status + (f" ({a_.status_note})" if a_.status_note else ""),
                       str(nums[a_.principle_id]) if a_.principle_id in nums else "–"] for a_ in record.actions])
    else:
        out.append("No actions.")

    out += ["", "## Sources", ""]
    for i, r in enumerate(record.results, 1):
        p = r.principle
        out += [f"**{i}. {p.statement}**  ", f"Theme: {plan.theme_title(p.theme)}; addressed to: {p.addressed_to}", ""]
        out += [f"> {s.quote}  \n> — *{s.label}*\n" for s in p.sources] or ["A local principle, added by this plan.", ""]
    return "\n".join(out).rstrip() + "\n"


def _on(nums: dict[str, int], principle_id: str | None) -> str:
    return f"(on {nums[principle_id]}) " if principle_id in nums else ""


def write(record, path: Path) -> None:
    with replace_atomically(path) as fh:
        fh.write(_session_markdown(record))


# --- comparisons and trends -------------------------------------------------------------------

def move_text(before: float | None, after: float | None, *, gap: bool = False) -> str:
    """'4.3 → 3.5 ↓ −0.8' (a gap keeps its sign: '−1.0 → +0.2 ↑ +1.2'); nothing to show is a dash."""
    if before is None and after is None:
        return "–"
    show = signed if gap else number
    text = f"{show(before)} → {show(after)}"
    if before is not None and after is not None:
        text += f" {arrow(after - before)} {signed(after - before)}" + (f" {gap_move(before, after)}" if gap else "")
    return text.rstrip()


def gap_move(before: float, after: float) -> str:
    """Whether the groups moved apart or together, judged at the one decimal shown."""
    then, now = round(abs(before), 1), round(abs(after), 1)
    return "narrower" if now < then else "wider" if now > then else ""


def comparison_rows(comparison):
    """(number, change, earlier wording or None) per principle, biggest change first."""
    nums = numbers(comparison.after.plan)
    earlier = {r.principle.id: r.principle.statement for r in comparison.before.results}
    return [(nums.get(c.principle.id, 0), c, earlier.get(c.principle.id) if c.wording_changed else None)
            for c in comparison.changes]


def only_in(comparison) -> tuple[list[str], list[str]]:
    """Statements asked in only the earlier, or only the later, session."""
    before = {r.principle.id: r.principle.statement for r in comparison.before.results}
    after = {r.principle.id: r.principle.statement for r in comparison.after.results}
    return [s for k, s in before.items() if k not in after], [s for k, s in after.items() if k not in before]


def session_label(record) -> str:
    return f"{record.plan.title}, {record.plan.date.isoformat()}"


def write_comparison(comparison, path: Path) -> None:
    before, after = comparison.before, comparison.after
    plan = after.plan
    groups = [g for g in plan.groups if any(g.id in c.groups for c in comparison.changes)] or list(plan.groups)
    a, b = plan.groups[0], plan.groups[1]
    out = [f"# {plan.locality or plan.title}: then and now", "",
           f"- **Then:** {session_label(before)} (session {before.session.id})",
           f"- **Now:** {session_label(after)} (session {after.session.id})", "",
           f"Each group's mean then → now, with ↑ ↓ → for the move; gap = {b.name} − {a.name}. "
           "Biggest change first. † marks a principle whose wording changed.", ""]
    header = ["#", "Principle"] + [g.name for g in groups] + ["Gap"]
    rows = []
    for n, c, _ in comparison_rows(comparison):
        moves = [move_text(c.groups[g.id].before, c.groups[g.id].after) if g.id in c.groups else "–" for g in groups]
        rows.append([str(n), c.principle.statement + (" †" if c.wording_changed else "")] + moves
                    + [move_text(c.gap_before, c.gap_after, gap=True)])
    out += table(header, rows, right=(0,)) if rows else ["No principle was asked in both sessions."]
    changed = [(n, c, old) for n, c, old in comparison_rows(comparison) if old is not None]
    if changed:
        out += ["", "## Wording that changed", ""]
        out += [f"- **{n}.** then: “{old}”; now: “{c.principle.statement}”" for n, c, old in changed]
    earlier_only, later_only = only_in(comparison)
    for heading, items in (("Asked only then", earlier_only), ("Asked only now", later_only)):
        if items:
            out += ["", f"## {heading}", ""] + [f"- {s}" for s in items]
    with replace_atomically(path) as fh:
        fh.write("\n".join(out) + "\n")


NOT_ASKED = "not asked"


def trend_columns(trend) -> list[tuple[str, str]]:
    """(session id, column heading) per session, oldest first: the date, and a short id where dates repeat."""
    return [(s.id, label) for s, label in zip(trend.sessions, trend.labels)]


def trend_value(point) -> str:
    """One session's gap for one principle: a signed number, – for no gap, or 'not asked'."""
    return signed(point.gap) if point.asked else NOT_ASKED


def write_trend(trend, path: Path) -> None:
    low, high = trend.scale_range
    span = high - low
    a, b = (trend.groups[0].name, trend.groups[1].name) if len(trend.groups) >= 2 else ("first group", "second")
    out = [f"# {trend.locality}: gaps over time", ""]
    out += [f"- {s.date}: {s.title} (session {s.id}, {s.ballots} ballots)" for s in trend.sessions] or ["No sessions."]
    out += ["", f"Gap = {b} mean − {a} mean, one column per session, oldest first; – means no gap to show "
            f"(too few or no scores), “{NOT_ASKED}” that the session did not include the principle. "
            f"In the trend, ▁ is a gap of −{span}, █ is +{span}; · means no gap that time.", ""]
    header = ["#", "Principle"] + [label for _, label in trend_columns(trend)] + ["Trend"]
    rows = []
    for i, t in enumerate(trend.trends, 1):
        rows.append([str(i), t.principle.statement] + [trend_value(p) for p in t.points]
                    + [sparkline(t.gaps, -span, span)])
    out += table(header, rows, right=tuple(range(2, len(header) - 1)) + (0,)) if rows else ["No principles yet."]
    with replace_atomically(path) as fh:
        fh.write("\n".join(out) + "\n")
