"""The session as one self-contained HTML report to circulate and print: inline CSS and SVG, no scripts.

Python decides every word and number (from report.py and wording.py) and hands plain values to the
Jinja2 templates in templates/, which lay them out with autoescaping on: text is escaped unless it is
`Markup`, and the only Markup is the SVG charts.py draws (escaping its own text) and the report's CSS.
Jinja2 is imported here only, and this module only when an HTML file is written, so the app starts
without it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..analytics import BLIND_SPOT
from ..wording import (
    DASH, TOO_FEW, fact_answer, move_parts, number, pair_label, plural, result_gap, result_gap_words, signed,
)
from . import replace_atomically
from .charts import distribution_chart, gap_chart, trend_chart
from .compiled import CompiledTemplates, cache_folder, cache_tag
from .report import (
    ANONYMOUS_NOTE, COMMENTS_NOTE, FACTS_NOTE, LOCAL_PRINCIPLE, NO_ACTIONS, NO_MISREAD, NO_NOTES, NONE_IN_BOTH,
    PERCEPTION_HEADING, PERCEPTION_NOTE, SUMMARY_EMPTY, SUMMARY_HEADINGS, TREND_LEGEND, comment_text,
    comparison_explained, comparison_groups, comparison_rows, details, gap_explained, headlines, misread, name_of,
    misread_sides, numbers, only_in, pair_names, pair_of, perception_sentences, principle_comments, principle_meta,
    session_label,
    stats_text, trend_gap_heading, trend_gaps, trend_values, turnout, NO_PRIORITIES, PRIORITIES_HEADING,
    priorities_note, priority_rows,
)


SAYS = {"local_principle": LOCAL_PRINCIPLE, "comments_note": COMMENTS_NOTE, "facts_note": FACTS_NOTE, "anonymous_note": ANONYMOUS_NOTE,
        "no_notes": NO_NOTES, "no_actions": NO_ACTIONS, "none_in_both": NONE_IN_BOTH}


OPTIONS = {"autoescape": True, "undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True,
           "keep_trailing_newline": True}


@cache
def environment() -> Environment:
    """The templates shipped in the package, escaping everything that is not Markup."""
    folder = cache_folder()
    compiled = CompiledTemplates(folder, cache_tag(OPTIONS)) if folder else None
    env = Environment(loader=PackageLoader("workshop", "export/templates"), bytecode_cache=compiled, **OPTIONS)
    # Inlined, not linked: the report stays one file that opens and prints anywhere.
    env.globals.update(css=Markup(env.loader.get_source(env, "report.css")[0]), dash=DASH, too_few=TOO_FEW,
                       says=SAYS)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def _stats(name: str, stats) -> dict:
    return {"name": name, "words": stats_text(stats), "suppressed": stats.suppressed}


# --- the session report ------------------------------------------------------------------------

def _summary(record) -> list[dict]:
    plan = record.plan
    return [{"heading": SUMMARY_HEADINGS[flag], "empty": SUMMARY_EMPTY[flag], "entries": [
        {"number": i, "statement": r.principle.statement,
         "gap": result_gap_words(r, plan.group_names) if flag == BLIND_SPOT else "",
         "means": [_stats(name_of(plan, g), s) for g, s in r.groups.items()]} for i, r in items]}
        for flag, items in headlines(record.results).items()]


def _gap(plan, r, voted: bool) -> dict:
    """What the principle's section says about the gap, and how it is set (a number, too few, none)."""
    if not voted:
        return {"kind": ""}
    words = result_gap_words(r, plan.group_names)
    if r.gap is not None:
        return {"kind": "gap", "words": words, "value": signed(result_gap(r))}
    hidden = any(r.groups[g].suppressed for g in r.pair)
    return {"kind": "too-few" if hidden else "muted", "words": f"{words}."}


def _distribution(plan, name: str, s) -> dict:
    if s.suppressed:
        return {"kind": "too few", "name": name,
                "words": f"{plural(s.n, 'score')}; a result needs {plan.min_group_size} or more, so none is shown."}
    if not s.ballots:
        return {"kind": "none", "name": name}
    head = f"{name}: mean {number(s.mean)}" if s.mean is not None else f"{name}: no scores"
    facts = f"n {s.n} · {s.dont_know} don't know" + (f" · median {number(s.median)}" if s.mean is not None else "")
    return {"kind": "shown", "head": head, "words": facts, "chart": Markup(distribution_chart(s, plan.scale, name))}


def _principle(plan, i: int, r, comments: dict[int, tuple] | None = None) -> dict:
    voted = any(s.ballots for s in r.groups.values())
    said = [{"group": name_of(plan, g), "text": comment_text(t), "too_few": t is None}
            for g, t in (comments or {}).get(i, ())]
    return {"number": i, "statement": r.principle.statement, "meta": principle_meta(plan, r.principle),
            "flags": r.flags, "voted": voted, "gap": _gap(plan, r, voted),
            "perceptions": perception_sentences(plan, r),
            "dists": [_distribution(plan, name_of(plan, g), s) for g, s in r.groups.items()] if voted else [],
            "sources": [{"quote": s.quote, "label": s.label} for s in r.principle.sources], "comments": said}


def _action(act, nums: dict[str, int]) -> dict:
    return {"text": act.text, "owner": act.owner or DASH, "due": act.due or DASH,
            "status": act.status + (f" ({act.status_note})" if act.status_note else ""),
            "number": nums.get(act.principle_id or "")}


def session_html(record) -> str:
    plan = record.plan
    pair = pair_of(record)
    first, second = pair_names(plan, pair)
    nums = numbers(plan)
    comments = {pc.number: pc.comments for pc in principle_comments(record)}
    # "No gap" would read as agreement: the chart says why there is no number, naming the pair.
    rows = [(str(i), r.principle.statement, result_gap(r), result_gap_words(r, plan.group_names))
            for i, r in enumerate(record.results, 1)]
    gaps = {"pair": pair_label(pair, plan.group_names),
            "explained": f"{gap_explained(plan, pair)} Bars to the left: {second} rates it lower "
                         f"(on a scale of {plan.scale.min} to {plan.scale.max}).",
            "charts": [Markup(c) for c in gap_chart(rows, plan.scale.range, first, second)] or [""]}
    return render(
        "session.html.j2", title=plan.title, details_rows=details(record),
        facts=[(f.question, fact_answer(f)) for f in plan.facts],
        anonymous=plan.anonymous,
        turnout=[{"group": t.group, "ballots": t.ballots, "most": t.most, "names": ", ".join(t.names) or DASH}
                 for t in turnout(record)],
        gaps=gaps, summary=_summary(record),
        perception={"heading": PERCEPTION_HEADING, "note": PERCEPTION_NOTE, "none": NO_MISREAD,
                    "misread": [{"number": i, "statement": r.principle.statement, "said": misread_sides(plan, r)}
                                for i, r, _ in misread(record)]} if plan.perception else None,
        priorities={"heading": PRIORITIES_HEADING, "note": priorities_note(plan), "none": NO_PRIORITIES,
                    "groups": [g.name for g in plan.groups], "rows": priority_rows(record)} if plan.priorities else None,
        notes=[{"number": nums.get(n.principle_id), "text": n.text} for n in record.notes],
        actions=[_action(a, nums) for a in record.actions],
        principles=[_principle(plan, i, r, comments) for i, r in enumerate(record.results, 1)])


def write(record, path: Path) -> None:
    with replace_atomically(path) as fh:
        fh.write(session_html(record))


# --- comparisons and trends --------------------------------------------------------------------

def _move(before: float | None, after: float | None, *, gap: bool = False) -> dict:
    """A move worded by wording.move, in two parts: the then → now, and the change."""
    head, rest = move_parts(before, after, gap=gap)
    return {"head": head, "rest": rest}


def comparison_html(comparison) -> str:
    before, after = comparison.before, comparison.after
    plan = after.plan
    groups = comparison_groups(comparison)
    rows = [{"number": n, "statement": c.principle.statement, "old": old,
             "moves": [_move(c.groups[g.id].before, c.groups[g.id].after) if g.id in c.groups else None
                       for g in groups],
             "gap": _move(*gaps, gap=True)} for n, c, old, gaps in comparison_rows(comparison)]
    earlier_only, later_only = only_in(comparison)
    return render(
        "comparison.html.j2", title=f"{plan.locality or plan.title}: then and now",
        details_rows=[("Then", f"{session_label(before)} (session {before.session.id})"),
                      ("Now", f"{session_label(after)} (session {after.session.id})")],
        explained=comparison_explained(comparison), groups=[g.name for g in groups], rows=rows,
        only_in=[("Asked only then", earlier_only), ("Asked only now", later_only)])


def write_comparison(comparison, path: Path) -> None:
    with replace_atomically(path) as fh:
        fh.write(comparison_html(comparison))


def trend_html(trend) -> str:
    low, high = trend.scale_range
    span = high - low
    labels = list(trend.labels)
    trends = []
    for i, t in enumerate(trend.trends, 1):
        gaps = trend_gaps(trend, t)
        trends.append({"number": i, "statement": t.principle.statement,
                       "shown": [f"{label}: {value}" for label, value in zip(labels, trend_values(t, gaps))],
                       "chart": Markup(trend_chart(gaps, labels, span)) if any(g is not None for g in gaps) else ""})
    return render(
        "trend.html.j2", title=f"{trend.locality}: gaps over time",
        sessions=[{"date": s.date, "title": s.title, "id": s.id, "ballots": s.ballots} for s in trend.sessions],
        explained=f"{trend_gap_heading(trend)}, from the means as shown, from {signed(-span, 0)} "
                  f"to {signed(span, 0)}, in every session, oldest first: {TREND_LEGEND}.",
        trends=trends)


def write_trend(trend, path: Path) -> None:
    with replace_atomically(path) as fh:
        fh.write(trend_html(trend))
