"""A session with everything known about it, gathered once for showing and exporting."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..analytics import (
    PrincipleChange, PrincipleResult, PrincipleTrend, compare, mean_from_sum, mean_from_tally, results_from_tallies,
    session_gap, sort_by_change, trend_of_means,
)
from ..perception import with_perceptions
from ..priorities import Priority, ranking
from ..model import Action, Ballot, Comment, Group, Note, Plan, Principle, Scale, Session, SessionSummary
from ..store import Store
from ..store.connect import damaged


@dataclass(frozen=True)
class SessionRecord:
    session: Session
    results: list[PrincipleResult]
    ballots: list[Ballot]
    notes: list[Note]
    actions: list[Action]
    names: dict[str, str]  # participant id -> name; always empty for an anonymous session
    comments: tuple[Comment, ...] = ()  # the approved ones only: what a report may show
    priorities: tuple[Priority, ...] = ()  # the priorities round's ranking; empty without the round

    @property
    def plan(self):
        return self.session.plan

    def shown_ballots(self) -> list[Ballot]:
        """The ballots an export may list, in principle and group order.

        None from a group too small to show on that principle. In an anonymous session they are
        also sorted by score and carry no time or mode: the order in which a roster was keyed, or
        the one phone in a group, must not point to a person.
        """
        hidden = {(r.principle.id, g) for r in self.results for g, s in r.groups.items() if s.suppressed}
        number = {p.id: i for i, p in enumerate(self.plan.principles)}
        shown = [b for b in self.ballots if (b.principle_id, b.group) not in hidden]
        if self.plan.anonymous:
            shown = [dataclasses.replace(b, participant=None, mode="", cast_at="") for b in shown]
            return sorted(shown, key=lambda b: (number.get(b.principle_id, 0), b.group, b.score is None, b.score or 0))
        return sorted(shown, key=lambda b: (number.get(b.principle_id, 0), b.group, b.cast_at))


def load_record(store: Store, ref: str, *, ballots: bool = True) -> SessionRecord:
    """Everything about one session; ballots=False skips the individual ballots (results need only counts)."""
    session = store.session(ref)
    results = results_from_tallies(session.plan, store.tallies(session.id))
    if session.plan.perception:  # only then is there a predictions table to read (m009)
        results = with_perceptions(results, store.prediction_tallies(session.id), session.plan)
    return SessionRecord(
        session=session,
        results=results,
        ballots=store.ballots(session.id) if ballots else [],
        notes=store.notes(session.id),
        actions=store.actions(session.id),
        names={} if session.plan.anonymous else store.participant_names(session.id),
        comments=tuple(store.comments(session.id, status="approved")),
        # Only a plan with the round reads dots (m012), and only a file with m012 can hold one.
        priorities=tuple(ranking(session.plan, store.dot_tally(session.id))) if session.plan.priorities else (),
    )


@dataclass(frozen=True)
class ComparisonRecord:
    before: SessionRecord
    after: SessionRecord
    changes: list[PrincipleChange]  # biggest change first


def load_comparison(store: Store, before: str, after: str) -> ComparisonRecord:
    a = load_record(store, before, ballots=False)
    b = load_record(store, after, ballots=False)
    if a.plan.date > b.plan.date:
        a, b = b, a  # always earlier -> later, whatever order they were named in
    changes = compare(a.results, b.results, [g.id for g in a.plan.groups], [g.id for g in b.plan.groups])
    return ComparisonRecord(a, b, sort_by_change(changes))


@dataclass(frozen=True)
class TrendRecord:
    locality: str
    sessions: list[SessionSummary]  # oldest first; every trend's points line up with these
    groups: tuple[Group, ...]  # the latest session's groups; its first two make the gap
    scale_range: tuple[int, int]
    trends: list[PrincipleTrend]

    @property
    def labels(self) -> list[str]:
        """A column heading per session: its date, with a short id after it where two share a date."""
        return _session_labels([(s.id, s.date) for s in self.sessions])


def _session_labels(sessions: list[tuple[str, str]]) -> list[str]:
    """'2026-12-03' per (id, date); sessions sharing a date get the shortest id starts (4+) that tell them apart."""
    by_date: dict[str, list[str]] = {}
    for sid, date in sessions:
        by_date.setdefault(date, []).append(sid)
    short: dict[str, str] = {}
    for ids in by_date.values():
        if len(ids) < 2:
            continue
        length = 4
        while length < max(len(i) for i in ids) and len({i[:length] for i in ids}) < len(set(ids)):
            length += 1
        short.update({i: i[:length] for i in ids})
    return [f"{date} {short[sid]}" if sid in short else date for sid, date in sessions]


def _means_of(store: Store, session_id: str, sums: dict | None, scale: Scale, min_group_size: int):
    """(principle, group) -> the mean a session's own results show, from its sums (score_sums_of).
    Where a score is off the scale or not whole (only in a file written around the schema), from
    its tallies instead, which count only the scale's points, as load_record does."""
    points = scale.points  # range() refuses a scale that is not whole numbers: a damaged plan, as in load_record

    def whole(figures) -> bool:
        n, total, lowest, highest = figures
        # SQLite's SUM is an integer only where every score is one (half a point or a word makes it REAL).
        return n == 0 or (type(total) is int and lowest in points and highest in points)

    if sums is not None and all(whole(figures) for figures in sums.values()):
        return lambda principle, group: mean_from_sum(*sums.get((principle, group), (0, 0))[:2], min_group_size)
    tallies = store.tallies_of([session_id])[session_id]
    return lambda principle, group: mean_from_tally(tallies.get((principle, group), {}), scale, min_group_size)


def load_trend(store: Store, locality: str) -> TrendRecord:
    """A locality's trend, read in three queries whatever the number of sessions (one more for each
    session written around the schema's checks, see _means_of): only the shown means are worked out
    (no medians or distributions), and a principle's wording is built only from the latest session
    that asked it."""
    summaries = sorted(store.sessions(locality=locality), key=lambda s: (s.date, s.created_at))
    ids = [s.id for s in summaries]
    plans, sums = store.frozen_plans(ids), store.score_sums_of(ids)
    inputs, wording = [], {}
    try:
        for s in summaries:
            plan = plans[s.id]
            scale, groups = Scale.from_dict(plan["scale"]), [g["id"] for g in plan["groups"]]
            mean = _means_of(store, s.id, sums[s.id], scale, plan["min_group_size"])
            results = {}
            for p in plan["principles"]:
                means = {g: mean(p["id"], g) for g in groups}
                results[p["id"]] = (means, session_gap(means, groups))
            inputs.append((s.id, s.date, groups, results))
            wording.update((p["id"], p) for p in plan["principles"])  # oldest first: the latest wins
        trends = trend_of_means(inputs, lambda pid: Principle.from_dict(wording[pid]))
        latest = Plan.from_dict(plans[ids[-1]]) if ids else None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise damaged(store.path, f"a frozen plan of locality {locality}: {exc}") from None
    # Named as the latest session spells it: 'trend northshire' finds Northshire, and says Northshire.
    return TrendRecord(summaries[-1].locality if summaries else locality, summaries, latest.groups if latest else (),
                       (latest.scale.min, latest.scale.max) if latest else (1, 5), trends)
