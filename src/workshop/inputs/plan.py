"""Plan files (sessions/*.yaml): YAML -> Plan, or every problem found, each with its line."""

from __future__ import annotations

import re
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .catalogue import Catalogue, default_catalogue
from .facts import read_facts
from .selection import Selection
from ..model import MODES, Group, Plan, Principle, Scale, Seat, Theme, group_name
from .problems import InputError, Problem, did_you_mean, shown
from .yamlread import Reader, kind, line_of, read_limited

PLAN_KEYS = (
    "title", "date", "place", "locality", "facilitator", "groups", "anonymous", "min_group_size",
    "scale", "principles", "extra_principles", "facts", "roster", "modes", "time_box", "time_boxes",
    "comments", "perception", "priorities", "facilitator_notes",
)
SCALE_KEYS = ("min", "max", "labels", "dont_know")
GROUP_KEYS = ("id", "name")
SEAT_KEYS = ("name", "group", "count")
PRIORITIES_KEYS = ("dots",)
DURATION = re.compile(r"^(?:([0-9]+)\s*h)?\s*(?:([0-9]+)\s*m(?:in)?)?\s*(?:([0-9]+)\s*s(?:ec)?)?$")

# Bounds on every number a plan holds: far beyond any real workshop, small enough that whatever
# validates can be stored, shown and counted.
MAX_SEATS = 10_000           # roster seats, in all
MAX_MIN_GROUP_SIZE = 1_000
SCALE_LIMIT = 100            # scale ends within -100..100 (at most Scale.MAX_POINTS points)
MAX_GROUPS = 12
MAX_TIME_BOX = 24 * 3600
MAX_DOTS = 20                # dots per participant in the priorities round (three to five is usual)


def load_plan(path: str | Path, catalogue: Catalogue | None = None) -> tuple[Plan, str]:
    """Read and check a plan file; returns the plan and its text, or raises InputError."""
    path = Path(path)
    try:
        text = read_limited(path)
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "no such plan file; check the path (plans usually live in sessions/)")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), None, "cannot read this plan: it is not UTF-8 text; save it as UTF-8 in your editor")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), None, f"cannot read this plan: {exc.strerror or exc}")]) from None
    return parse_plan(text, path, catalogue), text


def parse_plan(text: str, path: str | Path = "plan.yaml", catalogue: Catalogue | None = None) -> Plan:
    """The plan in `text`, or InputError listing every problem found, in line order."""
    catalogue = catalogue or default_catalogue()
    r = Reader(path, text)
    root = r.compose()
    if root is None or (isinstance(root, ScalarNode) and r.scalar(root) is None):
        raise InputError(r.problems or [Problem(str(path), None, "the plan is empty; start from 'workshop new PLAN.yaml'")])
    plan = r.checked(lambda: _PlanReader(r, catalogue).read(root))
    if r.problems or plan is None:
        raise InputError(r.sorted_problems())
    return plan


def parse_duration(value: object) -> int | None:
    """Seconds from 90, '90s', '3m', '1m30s' or '1h'; None when it cannot be read."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    m = DURATION.match(value.strip().lower())
    if not m or not any(m.groups()):
        return None
    # Beyond twelve digits a part is past any bound already (and int() refuses thousands of digits).
    h, mnt, s = (int(g[-12:]) + (10 ** 12 if len(g) > 12 else 0) if g else 0 for g in m.groups())
    seconds = h * 3600 + mnt * 60 + s
    return seconds or None


class _PlanReader:
    def __init__(self, r: Reader, catalogue: Catalogue):
        self.r = r
        self.catalogue = catalogue

    def read(self, root: Node) -> Plan | None:
        r = self.r
        if not isinstance(root, MappingNode):
            r.problem(root, f"the plan must be 'key: value' lines (title: ..., date: ...), not {kind(root, r.scalar(root) if isinstance(root, ScalarNode) else None)}")
            return None
        top = r.mapping(root, "the plan", PLAN_KEYS)
        value = {key: node for key, (_, node) in top.items()}
        # A misspelt key ('titel') is already reported with a did-you-mean; don't also call it missing.
        misspelt = {did_you_mean(k, PLAN_KEYS) for k in _keys(root) if k not in PLAN_KEYS}

        title = r.string(value["title"], "title") if "title" in value else None
        if "title" not in value and " (did you mean 'title'?)" not in misspelt:
            r.problem(root, "the plan has no 'title'; add a line like: title: Northshire Partnership Health Check")
        date = r.date(value["date"], "date") if "date" in value else None
        if "date" not in value and " (did you mean 'date'?)" not in misspelt:
            r.problem(root, "the plan has no 'date'; add a line like: date: 2026-12-03")
        texts = {k: (r.string(value[k], k, empty_ok=True) or "") if k in value else ""
                 for k in ("place", "locality", "facilitator")}

        groups = self.groups(value.get("groups"))
        anonymous = r.boolean(value["anonymous"], "anonymous") if "anonymous" in value else True
        min_group_size = self.min_group_size(value.get("min_group_size"), anonymous)
        scale = self.scale(value["scale"]) if "scale" in value else Scale()
        chooser = Selection(r, self.catalogue)
        extras = chooser.extras(value.get("extra_principles"))
        principles = chooser.selection(value.get("principles"), extras, root)
        facts = read_facts(r, value.get("facts"), self.catalogue, principles)
        roster = self.roster(value.get("roster"), groups)
        roster_node = value.get("roster")
        # An empty 'roster: []' is no roster; a roster with problems is reported on its own lines.
        roster_given = roster_node is not None and not (isinstance(roster_node, SequenceNode) and not roster_node.value)
        modes = self.modes(value.get("modes"), roster, roster_given)
        time_box = self.duration(value["time_box"], "time_box") if "time_box" in value else None
        time_boxes = self.time_boxes(value.get("time_boxes"), principles)
        notes = self.facilitator_notes(value.get("facilitator_notes"), principles)
        comments = bool(r.boolean(value["comments"], "comments")) if "comments" in value else False
        perception = r.boolean(value["perception"], "perception") if "perception" in value else False
        dots = self.priorities(value["priorities"]) if "priorities" in value else 0

        if r.problems:
            return None
        used = {p.theme for p in principles}
        themes = [t for t in self.catalogue.themes if t.id in used]
        themes += [Theme(t, t.replace("-", " ").capitalize(), "Local principles added by this plan.")
                   for t in dict.fromkeys(p.theme for p in principles) if t not in self.catalogue.theme_ids]
        return Plan(
            title=title, date=date, groups=groups, scale=scale, principles=principles, themes=tuple(themes),
            anonymous=anonymous, min_group_size=min_group_size, roster=roster, modes=modes,
            time_box=time_box, time_boxes=time_boxes, facilitator_notes=notes, facts=facts, comments=comments,
            perception=bool(perception), dots=dots, **texts,
        )

    def priorities(self, node: Node) -> int:
        """The priorities round's allowance: priorities: {dots: 3}. 0 when it cannot be read (reported)."""
        r = self.r
        if not isinstance(node, MappingNode):
            value = shown(node.value) if isinstance(node, ScalarNode) else kind(node)
            r.problem(node, f"priorities must say how many dots each participant places, like "
                            f"priorities: {{dots: 3}}, not '{value}'")
            return 0
        fields = r.mapping(node, "priorities", PRIORITIES_KEYS)
        if fields is None:
            return 0
        if "dots" not in fields:
            if len(fields) == len(node.value):  # else a misspelt 'dots' is reported already, with a did-you-mean
                r.problem(node, "priorities needs 'dots', how many each participant places, like priorities: {dots: 3}")
            return 0
        dots = r.integer(fields["dots"][1], "priorities dots", at_least=1, at_most=MAX_DOTS,
                         why=" (the dots each participant places)")
        return dots or 0

    def groups(self, node: Node | None) -> tuple[Group, ...]:
        r = self.r
        if node is None:
            return (Group("council", group_name("council")), Group("vcs", group_name("vcs")))
        groups: list[Group] = []
        items = r.sequence(node, "groups", like="[council, vcs]")
        if items is not None and len(items) > MAX_GROUPS:
            r.problem(node, f"a plan has at most {MAX_GROUPS} groups, not {len(items)}; "
                            "put people who sit together in one group")
            return ()
        for item in items or []:
            if isinstance(item, MappingNode):
                fields = r.mapping(item, "a group", GROUP_KEYS)
                if fields is None or "id" not in fields:
                    r.problem(item, "a group written as a mapping needs an 'id' (and may have a 'name')")
                    continue
                gid = r.slug(fields["id"][1], "group id", like="health")
                name = r.string(fields["name"][1], "group name") if "name" in fields else None
            else:
                gid, name = r.slug(item, "group", like="health"), None
            if gid is None:
                continue
            if any(g.id == gid for g in groups):
                r.problem(item, f"group '{gid}' is listed twice")
                continue
            groups.append(Group(gid, name or group_name(gid)))
        if items is not None and len(items) < 2:
            r.problem(node, "a plan needs at least two groups to compare, like: groups: [council, vcs]")
        return tuple(groups)

    def min_group_size(self, node: Node | None, anonymous: bool | None) -> int:
        default = 3 if anonymous else 1
        if node is None:
            return default
        size = self.r.integer(node, "min_group_size", at_most=MAX_MIN_GROUP_SIZE,
                              why=" (the fewest scores a group needs before its results show)")
        if size is not None and size < 1:
            self.r.problem(node, "min_group_size must be 1 or more")
        return size or default

    def scale(self, node: Node) -> Scale:
        r = self.r
        fields = r.mapping(node, "scale", SCALE_KEYS)
        if fields is None:
            return Scale()
        default = Scale()
        bounds = {"at_least": -SCALE_LIMIT, "at_most": SCALE_LIMIT}
        lo = r.integer(fields["min"][1], "scale min", **bounds) if "min" in fields else default.min
        hi = r.integer(fields["max"][1], "scale max", **bounds) if "max" in fields else default.max
        dont_know = r.boolean(fields["dont_know"][1], "scale dont_know") if "dont_know" in fields else True
        if lo is None or hi is None:
            return Scale()
        if lo == hi:
            r.problem(node, f"scale min and max are both {lo}; a scale needs at least two points (like min: 1, max: 5)")
            return Scale()
        if lo > hi:
            r.problem(node, f"scale min ({lo}) must be less than max ({hi})")
            return Scale()
        if hi - lo + 1 > Scale.MAX_POINTS:
            r.problem(fields["max"][1] if "max" in fields else node,
                      f"scale has {hi - lo + 1} points; at most {Scale.MAX_POINTS} fit on screen (like min: 0, max: 10)")
            return Scale()
        if "labels" not in fields:
            labels = dict(default.labels) if (lo, hi) == (default.min, default.max) else {lo: "Not at all true", hi: "Completely true"}
        else:
            labels = self.labels(fields["labels"][1], lo, hi)
        return Scale(lo, hi, labels, bool(dont_know))

    def labels(self, node: Node, lo: int, hi: int) -> dict[int, str]:
        r = self.r
        if not isinstance(node, MappingNode):
            r.problem(node, "scale labels must map scores to words, like {1: Not at all true, 5: Completely true}")
            return {}
        labels: dict[int, str] = {}
        first: dict[int, int] = {}
        for key_node, value_node in node.value:
            score = r.scalar(key_node) if isinstance(key_node, ScalarNode) else None
            if not isinstance(score, int) or isinstance(score, bool):
                shown_key = shown(key_node.value) if isinstance(key_node, ScalarNode) else kind(key_node)
                r.problem(key_node, f"scale label key '{shown_key}' must be a score (a whole number)")
                continue
            if not lo <= score <= hi:
                r.problem(key_node, f"scale label {shown(key_node.value)} is off the scale ({lo} to {hi})")
                continue
            if score in first:
                r.problem(key_node, f"scale label {score} is given twice (first on line {first[score]})")
                continue
            first[score] = line_of(key_node)
            text = r.string(value_node, f"label for {score}")
            if text:
                labels[score] = text
        return dict(sorted(labels.items()))

    def roster(self, node: Node | None, groups: tuple[Group, ...]) -> tuple[Seat, ...]:
        if node is None:
            return ()
        r = self.r
        group_ids = [g.id for g in groups]
        seats: list[Seat] = []
        total = 0  # seats asked for, counted before any is made: a huge count costs nothing
        names: dict[str, int] = {}
        for item in r.sequence(node, "roster") or []:
            fields = r.mapping(item, "a roster entry", SEAT_KEYS)
            if fields is None:
                continue
            if "group" not in fields:
                r.problem(item, "a roster entry needs a 'group'")
                continue
            group = r.string(fields["group"][1], "roster group")
            # No group_ids means 'groups' itself is wrong, and is reported already.
            if group is not None and group_ids and group not in group_ids:
                r.problem(fields["group"][1], f"roster group '{group}' is not one of the plan's groups ({', '.join(group_ids)}); "
                                              "add it to 'groups' or correct it")
                continue
            name = r.string(fields["name"][1], "roster name") if "name" in fields else None
            count = r.integer(fields["count"][1], "roster count") if "count" in fields else 1
            if group is None or count is None:
                continue
            if name and "count" in fields:
                r.problem(fields["count"][1], "a named roster entry is one person; use 'count' only for anonymous seats")
                continue
            if count < 1:
                r.problem(fields["count"][1], "roster count must be 1 or more")
                continue
            if count > MAX_SEATS:
                r.problem(fields["count"][1], f"roster count must be at most {MAX_SEATS:,} (a roster lists the people "
                                              f"in one room), not {shown(fields['count'][1].value)}")
                continue
            total += count
            if total > MAX_SEATS:
                continue  # reported once, below
            if name:
                if name.casefold() in names:
                    r.problem(item, f"'{name}' is on the roster twice (first on line {names[name.casefold()]})")
                    continue
                names[name.casefold()] = item.start_mark.line + 1
            seats += [Seat(group, name)] * count
        if total > MAX_SEATS:
            r.problem(node, f"the roster has {total:,} seats; at most {MAX_SEATS:,} fit one room "
                            "(for a bigger event, count cards instead)")
            return ()
        return tuple(seats)

    def modes(self, node: Node | None, roster: tuple[Seat, ...], roster_given: bool) -> tuple[str, ...]:
        if node is None:
            return ("cards",)
        r = self.r
        modes: list[str] = []
        items = r.sequence(node, "modes", like="[cards, phones]")
        for item in items or []:
            mode = r.string(item, "mode")
            if mode is None:
                continue
            if mode not in MODES:
                r.problem(item, f"unknown voting mode '{mode}'{did_you_mean(mode, MODES)}")
            elif mode in modes:
                r.problem(item, f"voting mode '{mode}' is listed twice")
            else:
                modes.append(mode)
                if mode == "roster" and not roster_given:
                    r.problem(item, "roster voting needs a 'roster' listing the participants; add one, or take 'roster' out of modes")
        if items is not None and not items:
            r.problem(node, f"modes must list at least one of: {', '.join(MODES)}")
        return tuple(modes)

    def duration(self, node: Node, what: str) -> int | None:
        value = self.r.scalar(node) if isinstance(node, ScalarNode) else None
        seconds = parse_duration(value)
        shown_value = shown(node.value) if isinstance(node, ScalarNode) else kind(node)
        if seconds is None:
            self.r.problem(node, f"{what} must be a length of time like 90s, 5m or 1m30s, not '{shown_value}'")
        elif seconds > MAX_TIME_BOX:
            self.r.problem(node, f"{what} must be at most 24h, not '{shown_value}'")
            return None
        return seconds

    def time_boxes(self, node: Node | None, principles: tuple[Principle, ...]) -> dict[str, int]:
        boxes: dict[str, int] = {}
        for pid, value_node in self.per_principle(node, "time_boxes", principles, "time box"):
            seconds = self.duration(value_node, f"time box for '{pid}'")
            if seconds:
                boxes[pid] = seconds
        return boxes

    def facilitator_notes(self, node: Node | None, principles: tuple[Principle, ...]) -> dict[str, str]:
        """The facilitator's own notes, principle id -> text: shown on the paired remote only."""
        notes: dict[str, str] = {}
        for pid, value_node in self.per_principle(node, "facilitator_notes", principles, "note"):
            text = self.r.string(value_node, f"facilitator note for '{pid}'")
            if text:
                notes[pid] = text
        return notes

    def per_principle(self, node: Node | None, key: str, principles: tuple[Principle, ...],
                      what: str) -> list[tuple[str, Node]]:
        """The entries of a map keyed by principle id (time_boxes, facilitator_notes) naming selected ones."""
        if node is None:
            return []
        fields = self.r.mapping(node, key)
        ids = [p.id for p in principles]
        entries = []
        for pid, (key_node, value_node) in (fields or {}).items():
            if ids and pid not in ids:  # no ids: the selection is wrong, and reported already
                hint = did_you_mean(pid, ids)
                if not hint.startswith(" ("):
                    hint = f"; select it under 'principles', or remove this {what}"
                self.r.problem(key_node, f"{key} names '{pid}', which the plan does not select{hint}")
                continue
            entries.append((pid, value_node))
        return entries


def _keys(node: MappingNode) -> list[str]:
    return [k.value for k, _ in node.value if isinstance(k, ScalarNode)]


def summary(plan: Plan) -> str:
    """One line describing a valid plan."""
    groups = " and ".join(g.name for g in plan.groups) if len(plan.groups) == 2 else ", ".join(g.name for g in plan.groups)
    parts = [
        f"{len(plan.principles)} principles",
        groups,
        f"scale {plan.scale.min}-{plan.scale.max}",
        "anonymous" if plan.anonymous else "named",
        "+".join(plan.modes),
    ]
    if plan.roster:
        parts.append(f"{len(plan.roster)} on the roster")
    if plan.perception:
        parts.append("perception round")
    if plan.priorities:
        parts.append(f"priorities round ({plan.dots} dot{'s' * (plan.dots != 1)} each)")
    if plan.facts:
        unchecked = sum(f.answer is None for f in plan.facts)
        parts.append(f"{len(plan.facts)} fact{'s' * (len(plan.facts) != 1)}"
                     + (f" ({unchecked} not checked)" if unchecked else ""))
    if plan.comments:
        parts.append("comments")
    if plan.facilitator_notes:
        parts.append(f"{len(plan.facilitator_notes)} facilitator note{'s' * (len(plan.facilitator_notes) != 1)}")
    return f"{plan.title} ({plan.date.isoformat()}): " + ", ".join(parts)
