"""Which principles a plan rates: all, some themes or ids (less any excluded), and its own extra ones."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..model import Principle
from .catalogue import Catalogue, read_principle
from .problems import did_you_mean
from .yamlread import Reader, kind, line_of

SELECTION_KEYS = ("themes", "ids", "exclude")
MAX_EXTRAS = 200


class Selection:
    """Reads a plan's 'extra_principles' and 'principles', reporting every problem on its line."""

    def __init__(self, r: Reader, catalogue: Catalogue):
        self.r = r
        self.catalogue = catalogue
        self.broken_extra_ids: set[str] = set()  # extras with problems of their own

    def extras(self, node: Node | None) -> list[Principle]:
        if node is None:
            return []
        r = self.r
        extras: list[Principle] = []
        seen: dict[str, int] = {}
        items = r.sequence(node, "extra_principles")
        if items is not None and len(items) > MAX_EXTRAS:
            r.problem(node, f"a plan adds at most {MAX_EXTRAS} extra principles, not {len(items)}")
            return []
        for item in items or []:
            p = read_principle(r, item, None, what="extra principle", require_sources=False)
            if p is None:
                if isinstance(item, MappingNode):
                    self.broken_extra_ids.update(v.value for k, v in item.value
                                                 if isinstance(k, ScalarNode) and k.value == "id" and isinstance(v, ScalarNode))
                continue
            if p.id in seen:
                r.problem(item, f"extra principle id '{p.id}' is used twice (first on line {seen[p.id]}); give each its own id")
            elif self.catalogue.get(p.id) or self.catalogue.get_retired(p.id):
                r.problem(item, f"extra principle id '{p.id}' is already a catalogue principle; choose another id (like 'local-1')")
            else:
                seen[p.id] = line_of(item)
                extras.append(p)
        return extras

    def selection(self, node: Node | None, extras: list[Principle], root: Node) -> tuple[Principle, ...]:
        """The principles the plan selects, in the plan's order, extras appended unless placed by id."""
        r, cat = self.r, self.catalogue
        extra_by_id = {p.id: p for p in extras}
        chosen: list[Principle] = []
        before = len(r.problems)
        if node is None or (isinstance(node, ScalarNode) and r.scalar(node) == "all"):
            chosen = list(cat.principles)
        elif isinstance(node, ScalarNode):
            r.problem(node, f"principles must be 'all', or 'themes: [...]' or 'ids: [...]' under it, not {kind(node, r.scalar(node))}")
            return ()
        elif isinstance(node, SequenceNode):
            r.problem(node, "principles is a list; put the ids under 'ids:' (principles: {ids: [...]}) or themes under 'themes:'")
            return ()
        else:
            fields = r.mapping(node, "principles", SELECTION_KEYS)
            if fields is None:
                return ()
            if ("themes" in fields) == ("ids" in fields):
                r.problem(node, "principles needs either 'themes: [...]' or 'ids: [...]' (one of them)")
                return ()
            if "themes" in fields:
                for item in r.sequence(fields["themes"][1], "principles: themes", like="[funding-and-grants]") or []:
                    theme = r.string(item, "theme")
                    if theme is None:
                        continue
                    if theme not in cat.theme_ids:
                        r.problem(item, f"unknown theme '{theme}'{did_you_mean(theme, cat.theme_ids)}")
                        continue
                    chosen += [p for p in cat.in_theme(theme) if p not in chosen]
            else:
                for item in r.sequence(fields["ids"][1], "principles: ids", like="[council-sustains-grant-programmes]") or []:
                    pid = r.string(item, "principle id")
                    if pid is None:
                        continue
                    p = cat.get(pid) or extra_by_id.get(pid)
                    if p is None and pid in self.broken_extra_ids:
                        continue
                    old = cat.get_retired(pid) if p is None else None
                    if old is not None:
                        r.problem(item, _retired_message(old))
                    elif p is None:
                        known = [q.id for q in cat.principles] + list(extra_by_id)
                        r.problem(item, f"unknown principle id '{pid}'{_suggest(pid, known)}")
                    elif p in chosen:
                        r.problem(item, f"principle '{pid}' is listed twice; remove one of them")
                    else:
                        chosen.append(p)
            if "exclude" in fields:
                for item in r.sequence(fields["exclude"][1], "principles: exclude") or []:
                    pid = r.string(item, "principle id")
                    if pid is None:
                        continue
                    found = [p for p in chosen if p.id == pid]
                    if not found:
                        r.problem(item, f"cannot exclude '{pid}': it is not among the selected principles")
                    chosen = [p for p in chosen if p.id != pid]
        chosen += [p for p in extras if p not in chosen]
        # When the selection itself has problems, those say what is wrong; "selects none" would only repeat them.
        if not chosen and len(r.problems) == before:
            r.problem(node if node is not None else root, "the plan selects no principles; choose some with 'themes' or 'ids'")
        return tuple(chosen)


def _retired_message(p: Principle) -> str:
    if p.became_fact:
        return (f"principle '{p.id}' is now a yes/no fact, not a rating: record it under facts: as "
                f"'{p.became_fact}: yes' (or no)")
    new = [f"'{n}'" for n in p.replaced_by]
    if not new:
        return f"principle '{p.id}' is retired from the catalogue; 'workshop principles' lists the ids in use"
    if len(new) == 1:
        return f"principle '{p.id}' was replaced by {new[0]}; use that"
    return f"principle '{p.id}' was split into {', '.join(new)}; use those"


def _suggest(word: str, choices: list[str]) -> str:
    hint = did_you_mean(word, choices)
    return hint if hint.startswith(" (") else "; 'workshop principles' lists the ids"
