"""The principle catalogue: principles.yaml, read and checked with line numbers."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..model import ADDRESSED_TO, Fact, Principle, Source, Theme
from .problems import InputError, Problem, did_you_mean
from .yamlread import Reader, read_limited

TOP_KEYS = ("themes", "texts", "principles", "facts")
REQUIRED_KEYS = ("themes", "texts", "principles")
THEME_KEYS = ("id", "title", "description")
TEXT_KEYS = ("file", "title")
PRINCIPLE_KEYS = ("id", "statement", "theme", "addressed_to", "who_can_answer", "needs_fact", "sources", "retired",
                  "replaced_by", "became_fact")
FACT_KEYS = ("id", "question", "sources")
SOURCE_KEYS = ("text", "quote")


@dataclass(frozen=True)
class SourceText:
    """One of the texts the principles are drawn from: its file name and its human title."""

    file: str
    title: str


@dataclass(frozen=True)
class Catalogue:
    """The catalogue. `principles` are the ones in use; `retired` keeps split principles, whose ids
    stay reserved and point to their replacements; `facts` are yes/no questions about the area that
    a plan answers instead of rating them."""

    themes: tuple[Theme, ...]
    principles: tuple[Principle, ...]
    texts: tuple[SourceText, ...] = ()
    retired: tuple[Principle, ...] = ()
    facts: tuple[Fact, ...] = ()

    def get(self, principle_id: str) -> Principle | None:
        return self._by_id.get(principle_id)

    def get_retired(self, principle_id: str) -> Principle | None:
        return next((p for p in self.retired if p.id == principle_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    @property
    def all_principles(self) -> tuple[Principle, ...]:
        """In use and retired, in catalogue order."""
        return tuple(sorted(self.principles + self.retired, key=lambda p: self._order[p.id]))

    @functools.cached_property
    def _order(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.order or [p.id for p in self.principles + self.retired])}

    order: tuple[str, ...] = ()

    @functools.cached_property
    def _by_id(self) -> dict[str, Principle]:
        return {p.id: p for p in self.principles}

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def in_theme(self, theme_id: str) -> tuple[Principle, ...]:
        return tuple(p for p in self.principles if p.theme == theme_id)


def shipped_path() -> Path:
    """Where the catalogue shipped with the package lives."""
    return Path(str(resources.files("workshop") / "principles.yaml"))


@functools.cache
def default_catalogue() -> Catalogue:
    return load_catalogue(shipped_path())


def load_catalogue(path: str | Path) -> Catalogue:
    """Read a catalogue file, raising InputError with every problem found."""
    path = Path(path)
    try:
        text = read_limited(path)
    except OSError as exc:
        raise InputError([_problem(path, f"cannot read the catalogue: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise InputError([_problem(path, "cannot read the catalogue: it is not UTF-8 text; save it as UTF-8")]) from None
    return parse_catalogue(text, path)


def _problem(path: str | Path, message: str) -> Problem:
    return Problem(str(path), None, message)


def parse_catalogue(text: str, path: str | Path = "principles.yaml") -> Catalogue:
    r = Reader(path, text)
    root = r.compose()
    if root is None:
        raise InputError(r.problems or [_problem(path, "the catalogue is empty")])
    read = r.checked(lambda: _catalogue(r, root))
    if r.problems or read is None:
        raise InputError(r.sorted_problems())
    return read


def _catalogue(r: Reader, root) -> Catalogue:
    top = r.mapping(root, "the catalogue", TOP_KEYS)
    themes: list[Theme] = []
    texts: list[SourceText] = []
    principles: list[Principle] = []
    facts: list[Fact] = []
    if top is not None:
        missing = [k for k in REQUIRED_KEYS if k not in top]
        if missing:
            r.problem(root, f"the catalogue is missing {' and '.join(repr(k) for k in missing)}; "
                            "it needs 'themes', 'texts' and 'principles'")
        if "themes" in top:
            themes = _themes(r, top["themes"][1])
        declared = _texts(r, top["texts"][1]) if "texts" in top else None
        texts = declared or []
        if "principles" in top:
            # Without a readable 'texts' list (already reported) every source would be undeclared: check none.
            titles = None if declared is None else {t.file: t.title for t in declared}
            if "facts" in top:
                facts = _facts(r, top["facts"][1], titles)
            principles = _principles(r, top["principles"][1], {t.id for t in themes}, texts=titles)
            _check_replacements(r, top["principles"][1], principles, {f.id for f in facts})
    live = tuple(p for p in principles if not p.retired)
    retired = tuple(p for p in principles if p.retired)
    return Catalogue(tuple(themes), live, tuple(texts), retired, tuple(facts), tuple(p.id for p in principles))


def _check_replacements(r: Reader, node, principles: list[Principle], fact_ids: set[str]) -> None:
    """Every id a retired principle names under replaced_by is a principle in use, every fact named is
    declared under 'facts', and a retired principle says what took its place."""
    live = {p.id for p in principles if not p.retired}
    items = {p.id: item for p, item in zip(principles, _items_by_id(node, principles))}
    for p in principles:
        item = items.get(p.id, node)
        for new in p.replaced_by:
            if new not in live:
                r.problem(item, f"principle '{p.id}' is replaced by '{new}', which is not a principle in use")
        for key, fact in (("needs_fact", p.needs_fact), ("became_fact", p.became_fact)):
            if fact and fact not in fact_ids:
                r.problem(item, f"principle '{p.id}' has {key} '{fact}', which is not declared under 'facts'"
                                f"{did_you_mean(fact, sorted(fact_ids)) if fact_ids else ''}")
        if p.retired and not (p.replaced_by or p.became_fact):
            r.problem(item, f"retired principle '{p.id}' needs 'replaced_by: [new ids]' or 'became_fact: a-fact-id'")


def _facts(r: Reader, node, texts: dict[str, str] | None) -> list[Fact]:
    """The yes/no questions about the area: id, question and the sources they come from."""
    facts: list[Fact] = []
    seen: set[str] = set()
    for item in r.sequence(node, "facts", like="[{id: local-compact, question: Is there a local compact?}]") or []:
        fields = r.record(item, "a fact", FACT_KEYS, needs=("id", "question"))
        if fields is None:
            continue
        fact_id = r.slug(fields["id"][1], "fact id")
        question = r.string(fields["question"][1], "question")
        sources = _sources(r, fields["sources"][1], texts) if "sources" in fields else []
        if fact_id in seen:
            r.problem(fields["id"][1], f"fact '{fact_id}' is declared twice")
            continue
        if fact_id and question and sources is not None:
            seen.add(fact_id)
            facts.append(Fact(fact_id, question, None, tuple(sources)))
    return facts


def _items_by_id(node, principles: list[Principle]) -> list:
    """The list items that hold `principles`, matched by id (an item that is no mapping holds none)."""
    by_id = {}
    for item in node.value if isinstance(node, SequenceNode) else []:
        for key, value in item.value if isinstance(item, MappingNode) else []:
            if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
                by_id.setdefault(value.value, item)
    return [by_id.get(p.id, node) for p in principles]


def _texts(r: Reader, node) -> list[SourceText] | None:
    """The declared source texts; None when 'texts' is not a list at all."""
    items = r.sequence(node, "texts", like="[{file: 000_a.txt, title: Common cause}]")
    if items is None:
        return None
    texts: list[SourceText] = []
    seen: dict[str, int] = {}
    for item in items:
        fields = r.mapping(item, "a text", TEXT_KEYS)
        if fields is None:
            continue
        if "file" not in fields or "title" not in fields:
            r.problem(item, "a text needs a 'file' and a 'title'")
        file = r.string(fields["file"][1], "text file") if "file" in fields else None
        title = r.string(fields["title"][1], "text title") if "title" in fields else None
        if file is None:
            continue
        # A text whose title is wrong is still declared: its sources need no second message.
        if file in seen:
            r.problem(fields["file"][1], f"text '{file}' is declared twice (first on line {seen[file]})")
            continue
        seen[file] = item.start_mark.line + 1
        texts.append(SourceText(file, title or ""))
    return texts


def _themes(r: Reader, node) -> list[Theme]:
    themes: list[Theme] = []
    seen: set[str] = set()
    for item in r.sequence(node, "themes") or []:
        fields = r.record(item, "a theme", THEME_KEYS, needs=("id", "title"))
        if fields is None:
            continue
        theme_id = r.slug(fields["id"][1], "theme id")
        title = r.string(fields["title"][1], "theme title")
        description = r.string(fields["description"][1], "theme description") if "description" in fields else ""
        if theme_id in seen:
            r.problem(fields["id"][1], f"theme '{theme_id}' is declared twice")
            continue
        if theme_id and title:
            seen.add(theme_id)
            themes.append(Theme(theme_id, title, description or ""))
    return themes


def _principles(r: Reader, node, theme_ids: set[str] | None, *, what: str = "principle",
                require_sources: bool = True, texts: dict[str, str] | None = None) -> list[Principle]:
    """Principles from a list node; theme_ids None accepts any theme slug (a plan's local principles)."""
    principles: list[Principle] = []
    seen: dict[str, int] = {}
    for item in r.sequence(node, f"{what}s") or []:
        p = read_principle(r, item, theme_ids, what=what, require_sources=require_sources, texts=texts)
        if p is None:
            continue
        if p.id in seen:
            r.problem(item, f"{what} id '{p.id}' is used twice (first on line {seen[p.id]})")
            continue
        seen[p.id] = item.start_mark.line + 1
        principles.append(p)
    return principles


def read_principle(r: Reader, item, theme_ids: set[str] | None, *, what: str = "principle",
                   require_sources: bool = True, texts: dict[str, str] | None = None) -> Principle | None:
    """One principle; texts maps each declared source file to its title (None: any file, no titles)."""
    a_what = f"{'an' if what[0] in 'aeiou' else 'a'} {what}"
    fields = r.mapping(item, a_what, PRINCIPLE_KEYS)
    if fields is None:
        return None
    required = ("id", "statement", "theme", "addressed_to") + (("sources",) if require_sources else ())
    missing = [k for k in required if k not in fields]
    if missing:
        r.problem(item, f"{a_what} is missing {', '.join(repr(k) for k in missing)}")
        return None
    pid = r.slug(fields["id"][1], f"{what} id")
    statement = r.string(fields["statement"][1], "statement")
    theme = r.slug(fields["theme"][1], "theme")
    if theme is not None and theme_ids is not None and theme not in theme_ids:
        r.problem(fields["theme"][1], f"unknown theme '{theme}'{did_you_mean(theme, sorted(theme_ids))}")
        theme = None
    addressed_to = r.string(fields["addressed_to"][1], "addressed_to")
    if addressed_to is not None and addressed_to not in ADDRESSED_TO:
        r.problem(fields["addressed_to"][1], f"addressed_to must be one of {', '.join(ADDRESSED_TO)}, not '{addressed_to}'")
        addressed_to = None
    sources = _sources(r, fields["sources"][1], texts) if "sources" in fields else []
    who = r.string(fields["who_can_answer"][1], "who_can_answer") if "who_can_answer" in fields else ""
    if who and who not in ("council", "vcs"):
        r.problem(fields["who_can_answer"][1], f"who_can_answer must be council or vcs, not '{who}'")
        who = None
    retired = r.boolean(fields["retired"][1], "retired") if "retired" in fields else False
    replaced_by: list[str] = []
    if "replaced_by" in fields:
        for node in r.sequence(fields["replaced_by"][1], "replaced_by", like="[council-does-a, vcs-does-a]") or []:
            new = r.slug(node, "replaced_by id")
            if new:
                replaced_by.append(new)
        if not retired:
            r.problem(fields["replaced_by"][1], "replaced_by belongs to a retired principle; add 'retired: true'")
    needs = r.slug(fields["needs_fact"][1], "needs_fact") if "needs_fact" in fields else ""
    became = r.slug(fields["became_fact"][1], "became_fact") if "became_fact" in fields else ""
    if became and not retired:
        r.problem(fields["became_fact"][1], "became_fact belongs to a retired principle; add 'retired: true'")
    if None in (pid, statement, theme, addressed_to, who, retired, needs, became) or sources is None:
        return None
    return Principle(pid, statement, theme, addressed_to, tuple(sources), who_can_answer=who or "",
                     retired=bool(retired), replaced_by=tuple(replaced_by), needs_fact=needs, became_fact=became)


def _sources(r: Reader, node, texts: dict[str, str] | None) -> list[Source] | None:
    items = r.sequence(node, "sources")
    if items is None:
        return None
    sources = []
    for item in items:
        fields = r.record(item, "a source", SOURCE_KEYS, needs=("text", "quote"))
        if fields is None:
            return None
        text = r.string(fields["text"][1], "source text")
        quote = r.string(fields["quote"][1], "source quote")
        if text is None or quote is None:
            return None
        if texts is not None and text not in texts:
            declared = sorted(texts)
            hint = did_you_mean(text, declared) if declared else "; no text is declared"
            r.problem(fields["text"][1], f"source text '{text}' is not declared under 'texts'{hint}")
            return None
        sources.append(Source(text, quote, (texts or {}).get(text, "")))
    return sources
