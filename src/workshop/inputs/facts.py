"""A plan's yes/no facts about its area: answers to the catalogue's questions, or local questions."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode

from ..model import Fact, Principle
from .catalogue import Catalogue
from .problems import did_you_mean, shown
from .yamlread import Reader

LOCAL_FACT_KEYS = ("question", "answer")
# YAML reads yes/no/true/false as booleans; "not checked" (or an empty value) means nobody knows yet.
NOT_CHECKED = ("not checked", "not sure", "unknown", "")


def read_facts(r: Reader, node: Node | None, catalogue: Catalogue, principles: tuple[Principle, ...]) -> tuple[Fact, ...]:
    """The plan's facts in its own order, then any fact a chosen principle takes for granted, not checked yet.

    A principle whose fact the plan answers 'no' cannot be rated ("the local compact works as a
    practical guide" where there is no compact), so that is a problem pointing at both.
    """
    facts: list[Fact] = []
    lines: dict[str, Node] = {}
    if node is not None and not (isinstance(node, ScalarNode) and r.scalar(node) is None):
        fields = r.mapping(node, "facts")
        for fact_id, (key, value) in (fields or {}).items():
            fact = _fact(r, key, value, fact_id, catalogue)
            if fact is not None:
                facts.append(fact)
                lines[fact.id] = value
    known = {f.id for f in facts}
    for p in principles:
        if not p.needs_fact:
            continue
        if p.needs_fact not in known and (fact := catalogue.fact(p.needs_fact)) is not None:
            facts.append(fact)
            known.add(fact.id)
        answered = next((f for f in facts if f.id == p.needs_fact), None)
        if answered is not None and answered.answer is False:
            r.problem(lines.get(p.needs_fact), f"the plan answers no to '{p.needs_fact}' ({answered.question}), so "
                                               f"principle '{p.id}' cannot be rated here; leave it out of 'principles' "
                                               f"(remove its id, or add it under exclude:)")
    return tuple(facts)


def _fact(r: Reader, key: Node, value: Node, fact_id: str, catalogue: Catalogue) -> Fact | None:
    offered = catalogue.fact(fact_id)
    if isinstance(value, MappingNode):
        if offered is not None:
            r.problem(key, f"fact '{fact_id}' is the catalogue's ({offered.question}); give just its answer: "
                           f"{fact_id}: yes")
            return None
        if r.slug(key, "fact id", like="council-funds-a-cvs") is None:
            return None
        fields = r.mapping(value, f"fact '{fact_id}'", LOCAL_FACT_KEYS)
        if fields is None:
            return None
        if "question" not in fields:
            r.problem(value, f"local fact '{fact_id}' needs a 'question' (and an 'answer': yes, no or not checked)")
            return None
        question = r.string(fields["question"][1], "question")
        answer = _answer(r, fields["answer"][1], fact_id) if "answer" in fields else None
        if question is None or answer is _BAD:
            return None
        return Fact(fact_id, question, answer)
    if offered is None:
        ids = [f.id for f in catalogue.facts]
        hint = did_you_mean(fact_id, ids)
        hint = hint if hint.startswith(" (") else "; 'workshop principles --facts' lists the catalogue's facts"
        r.problem(key, f"unknown fact '{shown(fact_id)}'{hint}, or give a local one as "
                       f"{{question: ..., answer: yes}}")
        return None
    answer = _answer(r, value, fact_id)
    if answer is _BAD:
        return None
    return Fact(offered.id, offered.question, answer, offered.sources)


_BAD = object()


def _answer(r: Reader, node: Node, fact_id: str) -> bool | None | object:
    value = r.scalar(node) if isinstance(node, ScalarNode) else node
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, str) and value.strip().lower() in NOT_CHECKED):
        return None
    shown_value = f"'{shown(str(value))}'" if isinstance(node, ScalarNode) else "a list or mapping"
    r.problem(node, f"fact '{fact_id}' must be answered yes, no or not checked, not {shown_value}")
    return _BAD
