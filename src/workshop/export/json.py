"""The session as JSON: the shape of `workshop show --json`, plus ballots, notes, actions and plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..analytics import GroupStats, PrincipleResult
from ..wording import for_data
from . import replace_atomically
from .report import principle_comments


def group_data(stats: GroupStats) -> dict[str, Any]:
    return {
        "n": stats.n,
        "dont_know": stats.dont_know,
        "mean": for_data(stats.mean),
        "median": for_data(stats.median),
        "sd": for_data(stats.sd),
        "counts": {str(k): v for k, v in stats.counts.items()},
        "suppressed": stats.suppressed,
    }


def perception_data(p) -> dict[str, Any]:
    """One side's perception of the other: null numbers where suppressed or absent."""
    return {"about": p.about, "n": p.n, "dont_know": p.dont_know, "mean": for_data(p.mean),
            "actual": for_data(p.actual), "error": for_data(p.error), "suppressed": p.suppressed}


def principle_data(result: PrincipleResult, theme_title: str = "") -> dict[str, Any]:
    p = result.principle
    # Only a session with the perception round has its 'perceptions': others read as they always did.
    perceived = {"perceptions": {g: perception_data(x) for g, x in result.perceptions.items()}} \
        if result.perceptions else {}
    return {
        "id": p.id,
        "statement": p.statement,
        "theme": p.theme,
        "theme_title": theme_title,
        "addressed_to": p.addressed_to,
        "who_can_answer": p.who_can_answer or None,
        "sources": [{"text": s.text, "title": s.title, "quote": s.quote} for s in p.sources],
        "groups": {g: group_data(s) for g, s in result.groups.items()},
        "gap": for_data(result.gap),
        **perceived,
        "flags": list(result.flags),
    }


def session_data(record) -> dict[str, Any]:
    """What `show --json` prints."""
    s, plan = record.session, record.plan
    data = {
        "session": {
            "id": s.id,
            "title": plan.title,
            "date": plan.date.isoformat(),
            "place": plan.place,
            "locality": plan.locality,
            "anonymous": plan.anonymous,
            "min_group_size": plan.min_group_size,
            **({"perception": True} if plan.perception else {}),
            **({"priorities": {"dots": plan.dots}} if plan.priorities else {}),
            "status": s.status,
            "created_at": s.created_at,
        },
        "groups": [g.id for g in plan.groups],
        "group_names": {g.id: g.name for g in plan.groups},
        "scale": {"min": plan.scale.min, "max": plan.scale.max,
                  "labels": {str(k): v for k, v in plan.scale.labels.items()},
                  "dont_know": plan.scale.dont_know},
        "facts": [{"id": f.id, "question": f.question, "answer": f.answer} for f in plan.facts],
        "principles": [principle_data(r, plan.theme_title(r.principle.theme)) for r in record.results],
    }
    if plan.priorities:
        # Highest total first, equal totals in plan order; null for a side too small to show.
        data["priorities"] = [{"id": p.id, "rank": p.rank, "dots": dict(p.dots), "total": p.total}
                              for p in record.priorities]
    if plan.comments or record.comments:
        # Approved comments under their principle, each with its group only; a group too small on
        # that principle to show appears once, with no text and no count.
        said = {pc.number: pc.comments for pc in principle_comments(record)}
        for i, item in enumerate(data["principles"], 1):
            item["comments"] = [{"group": g, "text": t} if t is not None else
                                {"group": g, "text": None, "suppressed": True} for g, t in said.get(i, ())]
    return data


def full_data(record) -> dict[str, Any]:
    """Everything: the show shape plus ballots, notes, actions and the frozen plan."""
    data = session_data(record)
    anonymous = record.plan.anonymous
    data["ballots"] = [
        {"principle": b.principle_id, "group": b.group,
         "score": "dk" if b.score is None else b.score,
         **({} if anonymous else {"mode": b.mode, "cast_at": b.cast_at,
                                  "participant": record.names.get(b.participant or "", "")})}
        for b in record.shown_ballots()
    ]
    data["notes"] = [{"principle": n.principle_id, "text": n.text, "created_at": n.created_at} for n in record.notes]
    data["actions"] = [
        {"principle": a.principle_id, "text": a.text, "owner": a.owner, "due": a.due, "status": a.status,
         "status_note": a.status_note, "created_at": a.created_at}
        for a in record.actions
    ]
    data["plan"] = record.plan.to_dict()
    if anonymous:
        # An anonymous plan may still list names on its roster; no export of the session carries them.
        data["plan"]["roster"] = [{"group": seat["group"], "name": None} for seat in data["plan"]["roster"]]
    return data


def write(record, path: Path) -> None:
    with replace_atomically(path) as fh:
        json.dump(full_data(record), fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def comparison_data(comparison) -> dict[str, Any]:
    """Two sessions compared: what `workshop compare --json` prints."""
    def side(record) -> dict[str, Any]:
        plan = record.plan
        return {"id": record.session.id, "title": plan.title, "date": plan.date.isoformat(),
                "locality": plan.locality, "groups": [g.id for g in plan.groups]}

    return {
        "before": side(comparison.before),
        "after": side(comparison.after),
        "principles": [
            {"id": c.principle.id, "statement": c.principle.statement, "wording_changed": c.wording_changed,
             "groups": {g: {"before": for_data(m.before), "after": for_data(m.after), "change": for_data(m.change)}
                        for g, m in c.groups.items()},
             "gap_before": for_data(c.gap_before), "gap_after": for_data(c.gap_after), "gap_change": for_data(c.gap_change)}
            for c in comparison.changes
        ],
    }


def trend_data(trend) -> dict[str, Any]:
    """One locality over time: what `workshop trend --json` prints."""
    # Every principle has one point per session, in the sessions' order; asked false: not in that session.
    return {
        "locality": trend.locality,
        "groups": [g.id for g in trend.groups],
        "sessions": [{"id": s.id, "title": s.title, "date": s.date, "label": label}
                     for s, label in zip(trend.sessions, trend.labels)],
        "principles": [
            {"id": t.principle.id, "statement": t.principle.statement,
             "points": [{"session": p.session_id, "date": p.date, "asked": p.asked, "gap": for_data(p.gap),
                         "means": {g: for_data(m) for g, m in p.means.items()}} for p in t.points]}
            for t in trend.trends
        ],
    }


def comparison_file_data(comparison) -> dict[str, Any]:
    """The comparison file: what `compare --json` prints, plus group names, plan numbers and earlier wording."""
    data = comparison_data(comparison)
    number = {p.id: i for i, p in enumerate(comparison.after.plan.principles, 1)}
    earlier = {r.principle.id: r.principle.statement for r in comparison.before.results}
    for side, record in (("before", comparison.before), ("after", comparison.after)):
        data[side]["place"] = record.plan.place
    data["group_names"] = {g.id: g.name for g in comparison.after.plan.groups}
    for item in data["principles"]:
        item["number"] = number.get(item["id"])
        item["statement_before"] = earlier.get(item["id"], item["statement"])
    return {"kind": "comparison", **data}


def trend_file_data(trend) -> dict[str, Any]:
    """The trend file: what `trend --json` prints, plus group names, the scale and each session's size."""
    data = trend_data(trend)
    for row, summary in zip(data["sessions"], trend.sessions):
        row.update(status=summary.status, ballots=summary.ballots)
    data["group_names"] = {g.id: g.name for g in trend.groups}
    data["scale"] = {"min": trend.scale_range[0], "max": trend.scale_range[1]}
    return {"kind": "trend", **data}


def write_comparison(comparison, path: Path) -> None:
    with replace_atomically(path) as fh:
        json.dump(comparison_file_data(comparison), fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def write_trend(trend, path: Path) -> None:
    with replace_atomically(path) as fh:
        json.dump(trend_file_data(trend), fh, indent=2, ensure_ascii=False)
        fh.write("\n")
