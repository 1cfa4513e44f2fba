"""What a plan is made of: principles and their sources, themes, facts, the scale, groups, seats, the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

ADDRESSED_TO = ("council", "vcs", "both")
MODES = ("cards", "roster", "phones")

# Names for the usual groups; any other group id is title-cased.
KNOWN_GROUP_NAMES = {"council": "Council", "vcs": "VCS", "nhs": "NHS"}


def group_name(group_id: str) -> str:
    """The display name for a group id the plan did not name itself."""
    return KNOWN_GROUP_NAMES.get(group_id, group_id.replace("-", " ").replace("_", " ").title())


@dataclass(frozen=True)
class Source:
    """Where a principle comes from: a source text's file, a verbatim quote, and the text's title."""

    text: str  # the file name, e.g. 000_ae2313d723949e10.txt
    quote: str
    title: str = ""  # the text's human title, from the catalogue's 'texts'; empty in older sessions

    @property
    def label(self) -> str:
        """The title people read, or the file name where there is no title."""
        return self.title or self.text

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "quote": self.quote, "title": self.title}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(text=data["text"], quote=data["quote"], title=data.get("title") or "")


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Principle:
    id: str
    statement: str
    theme: str
    addressed_to: str
    sources: tuple[Source, ...] = ()
    # Who in the room can judge the statement, when only one group can ("" when both can).
    who_can_answer: str = ""
    # A retired principle stays in the catalogue so its id keeps its meaning; replaced_by names
    # the principles that took its place (when it was split).
    retired: bool = False
    replaced_by: tuple[str, ...] = ()
    # A yes/no fact about the area this statement takes for granted ("there is a local compact"),
    # and, for a retired principle, the fact it became: a yes/no question is not rated on a scale.
    needs_fact: str = ""
    became_fact: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "statement": self.statement,
            "theme": self.theme,
            "addressed_to": self.addressed_to,
            "sources": [s.to_dict() for s in self.sources],
        }
        if self.who_can_answer:
            data["who_can_answer"] = self.who_can_answer
        if self.needs_fact:
            data["needs_fact"] = self.needs_fact
        if self.retired:
            data["retired"] = True
            data["replaced_by"] = list(self.replaced_by)
            if self.became_fact:
                data["became_fact"] = self.became_fact
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Principle:
        return cls(
            id=data["id"],
            statement=data["statement"],
            theme=data["theme"],
            addressed_to=data["addressed_to"],
            sources=tuple(Source.from_dict(s) for s in data.get("sources", [])),
            who_can_answer=data.get("who_can_answer") or "",
            retired=bool(data.get("retired", False)),
            replaced_by=tuple(data.get("replaced_by") or ()),
            needs_fact=data.get("needs_fact") or "",
            became_fact=data.get("became_fact") or "",
        )


@dataclass(frozen=True)
class Fact:
    """A yes/no fact about the area ("Is there a local compact?"): recorded, not rated.

    The catalogue offers the questions; a plan records the answers (None: not checked yet), and the
    lobby and the reports show them, so a rating never has to stand in for a yes or a no.
    """

    id: str
    question: str
    answer: bool | None = None
    sources: tuple[Source, ...] = ()

    @property
    def answer_text(self) -> str:
        return {True: "yes", False: "no", None: "not checked"}[self.answer]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "question": self.question, "answer": self.answer}
        if self.sources:
            data["sources"] = [s.to_dict() for s in self.sources]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        return cls(id=data["id"], question=data["question"], answer=data.get("answer"),
                   sources=tuple(Source.from_dict(s) for s in data.get("sources", [])))


DEFAULT_LABELS = {1: "Not at all true", 3: "Partly true", 5: "Completely true"}


@dataclass(frozen=True)
class Scale:
    min: int = 1
    max: int = 5
    labels: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    dont_know: bool = True

    MAX_POINTS = 11

    @property
    def points(self) -> range:
        return range(self.min, self.max + 1)

    @property
    def range(self) -> int:
        return self.max - self.min

    def accepts(self, score: int | None) -> bool:
        """Whether a ballot with this score (None for don't know) can be recorded."""
        if score is None:
            return self.dont_know
        return isinstance(score, int) and not isinstance(score, bool) and self.min <= score <= self.max

    def describe(self) -> str:
        return f"{self.min} to {self.max}" + (" or dk (don't know)" if self.dont_know else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "min": self.min,
            "max": self.max,
            "labels": {str(k): v for k, v in self.labels.items()},
            "dont_know": self.dont_know,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scale:
        lo, hi = data["min"], data["max"]
        # A stored plan's scale as a plan file allows it; a file edited by hand is refused as damaged,
        # not counted over a scale of half points or of millions of them.
        if not (type(lo) is int and type(hi) is int and 0 <= hi - lo < cls.MAX_POINTS):
            raise ValueError(f"scale {lo!r} to {hi!r} is not whole numbers of at most {cls.MAX_POINTS} points")
        return cls(
            min=lo,
            max=hi,
            labels={int(k): v for k, v in data.get("labels", {}).items()},
            dont_know=data.get("dont_know", True),
        )


@dataclass(frozen=True)
class Group:
    id: str
    name: str


@dataclass(frozen=True)
class Seat:
    """One place in a plan's roster: a named participant, or an anonymous seat of a group."""

    group: str
    name: str | None = None


@dataclass(frozen=True)
class Plan:
    title: str
    date: dt.date
    groups: tuple[Group, ...]
    scale: Scale
    principles: tuple[Principle, ...]
    themes: tuple[Theme, ...] = ()
    place: str = ""
    locality: str = ""
    facilitator: str = ""
    anonymous: bool = True
    min_group_size: int = 3
    roster: tuple[Seat, ...] = ()
    modes: tuple[str, ...] = ("cards",)
    time_box: int | None = None
    time_boxes: dict[str, int] = field(default_factory=dict)
    # principle id -> the facilitator's own note: on the paired remote only, never in what the room
    # or a reader of an export sees (to_dict leaves them out unless asked for the frozen copy)
    facilitator_notes: dict[str, str] = field(default_factory=dict)
    facts: tuple[Fact, ...] = ()
    comments: bool = False  # phones may add a short comment after voting; the floor's are typed in
    perception: bool = False  # the perception round: the compared pair also predict each other's rating
    dots: int = 0  # the priorities round: how many dots each participant places (0: the plan has no round)

    def time_box_for(self, principle_id: str) -> int | None:
        """Seconds allowed for discussing and voting on one principle, if the plan sets it."""
        return self.time_boxes.get(principle_id, self.time_box)

    @property
    def predictors(self) -> tuple[str, ...]:
        """The groups that predict each other's rating in the perception round: the plan's first two."""
        return tuple(g.id for g in self.groups[:2]) if self.perception else ()

    def predicts_about(self, group_id: str) -> str | None:
        """The group whose rating group_id predicts, or None when it makes no predictions."""
        pair = self.predictors
        return pair[1 - pair.index(group_id)] if group_id in pair else None

    @property
    def priorities(self) -> bool:
        """Whether the plan has the priorities round (each participant places `dots` dots at the end)."""
        return self.dots > 0

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    @property
    def group_names(self) -> dict[str, str]:
        """Group id -> the name the room knows it by."""
        return {g.id: g.name for g in self.groups}

    def theme_title(self, theme_id: str) -> str:
        for t in self.themes:
            if t.id == theme_id:
                return t.title
        return theme_id.replace("-", " ").capitalize()

    def to_dict(self, *, private: bool = False) -> dict[str, Any]:
        """Plain data for exports; private: the session's frozen copy, with the facilitator's notes."""
        return {
            "title": self.title,
            "date": self.date.isoformat(),
            "place": self.place,
            "locality": self.locality,
            "facilitator": self.facilitator,
            "groups": [asdict(g) for g in self.groups],
            "anonymous": self.anonymous,
            "min_group_size": self.min_group_size,
            "scale": self.scale.to_dict(),
            "principles": [p.to_dict() for p in self.principles],
            "themes": [asdict(t) for t in self.themes],
            "roster": [asdict(s) for s in self.roster],
            "modes": list(self.modes),
            "time_box": self.time_box,
            "time_boxes": dict(self.time_boxes),
            "facts": [f.to_dict() for f in self.facts],
            # Only when on: the frozen plans of sessions without comments read as they always have.
            **({"comments": True} if self.comments else {}),
            # Only when on: a frozen plan without the round reads exactly as it always did.
            **({"perception": True} if self.perception else {}),
            # Only when on, as the plan file says it: priorities: {dots: 3}.
            **({"priorities": {"dots": self.dots}} if self.dots else {}),
            **({"facilitator_notes": dict(self.facilitator_notes)} if private and self.facilitator_notes else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(
            title=data["title"],
            date=dt.date.fromisoformat(data["date"]),
            place=data.get("place", ""),
            locality=data.get("locality", ""),
            facilitator=data.get("facilitator", ""),
            groups=tuple(Group(**g) for g in data["groups"]),
            anonymous=data["anonymous"],
            min_group_size=data["min_group_size"],
            scale=Scale.from_dict(data["scale"]),
            principles=tuple(Principle.from_dict(p) for p in data["principles"]),
            themes=tuple(Theme(**t) for t in data.get("themes", [])),
            roster=tuple(Seat(**s) for s in data.get("roster", [])),
            modes=tuple(data.get("modes", ["cards"])),
            time_box=data.get("time_box"),
            time_boxes=dict(data.get("time_boxes", {})),
            facts=tuple(Fact.from_dict(f) for f in data.get("facts", [])),
            comments=bool(data.get("comments", False)),
            perception=bool(data.get("perception", False)),
            dots=int((data.get("priorities") or {}).get("dots", 0)),
            facilitator_notes=dict(data.get("facilitator_notes", {})),
        )
