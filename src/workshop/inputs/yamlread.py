"""Read YAML as nodes so every problem can name the line it is on."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import InputError, Problem, did_you_mean, shown

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INT_TAG = "tag:yaml.org,2002:int"
T = TypeVar("T")

# Plans and the catalogue are a few pages of settings; anything bigger or deeper is not one of them,
# and reading it could take minutes or exhaust the stack before a single message is printed.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_TEXT = 1_000  # characters in any one text; the catalogue's longest statement is under 200
MAX_PROBLEMS = 100  # more would bury the first ones, and a file of 80,000 wrong keys took 15 s to list
LONG_NUMBER = re.compile(r"\s*[-+]?[0-9_]+\s*")  # digits only: a number too long to read, not a word
# A lone surrogate cannot be saved or printed; control characters would redraw the facilitator's screen.
UNSAFE_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class _Enough(Exception):
    """Raised inside a reader once it has found MAX_PROBLEMS problems."""


def read_limited(path: Path) -> str:
    """A file's UTF-8 text with universal newlines, as read_text gives it, reading no more than the cap.

    Raises InputError when the file is over the cap (a wrong file could be gigabytes, or endless),
    and OSError or UnicodeDecodeError for the caller to word.
    """
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError([Problem(str(path), None, too_large())])
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class Reader:
    """Walks a composed YAML document, turning nodes into values and collecting problems."""

    def __init__(self, path: str | Path, text: str):
        self.path = str(path)
        self.text = text
        self.problems: list[Problem] = []
        self._loader = yaml.SafeLoader("")
        self._unreadable: set[int] = set()  # ids of nodes already reported as unreadable
        self.stopped = False  # whether reading stopped at MAX_PROBLEMS

    def compose(self) -> Node | None:
        if len(self.text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            self.problems.append(Problem(self.path, None, too_large()))
            return None
        # libyaml's loader (when PyYAML has it) is about ten times faster and keeps the same marks;
        # on any error the pure-Python one parses again, so messages never depend on which ran.
        # (libyaml also refuses some escapes, like a lone '\ud800', that the pure-Python one reads.)
        fast = getattr(yaml, "CSafeLoader", None)
        for loader in ([fast] if fast is not None else []) + [yaml.SafeLoader]:
            try:
                shape = self._shape_problems(loader)
            except yaml.YAMLError:
                continue
            if shape:
                self.problems += shape
                return None
            try:
                return yaml.compose(self.text, Loader=loader)
            except yaml.YAMLError:
                continue
        try:
            return yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            line, message = syntax_error(exc)
            # Errors found at the end of the file are marked on the line after the last one.
            last = len(self.text.rstrip().splitlines()) or None
            if line is not None and last is not None:
                line = min(line, last)
            self.problems.append(Problem(self.path, line, f"YAML syntax error: {message}"))
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.path, None, f"YAML syntax error: {exc}"))
        return None

    def _shape_problems(self, loader) -> list[Problem]:
        """What must be refused before composing: too deep, aliases, characters that cannot be kept.

        Walks the event stream, which is flat, so even a thousand nested brackets cost no recursion.
        """
        problems: list[Problem] = []
        depth = 0
        for event in yaml.parse(self.text, Loader=loader):
            line = event.start_mark.line + 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return [Problem(self.path, line, f"lists and mappings are nested more than {MAX_DEPTH} deep here; "
                                                     "plans and catalogues need only a few levels: check the brackets")]
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                # An alias repeats another part of the file; a few of them can stand for millions of entries.
                problems.append(Problem(self.path, line, f"'*{shown(event.anchor)}' repeats an anchor ('&'); write the value "
                                                         "out in full, or put text starting with '*' in quotes"))
            for text in (getattr(event, "value", None), getattr(event, "tag", None), getattr(event, "anchor", None)):
                bad = UNSAFE_CHAR.search(text) if isinstance(text, str) else None
                if bad:
                    problems.append(Problem(self.path, line, unsafe_char(bad.group())))
                    break
        return problems

    def problem(self, node: Node | None, message: str) -> None:
        if node is not None and id(node) in self._unreadable:
            return  # one problem per value: "cannot read" already says it
        self.problems.append(Problem(self.path, line_of(node) if node is not None else None, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Enough

    def checked(self, read: Callable[[], T]) -> T | None:
        """read(), or None when it stopped at MAX_PROBLEMS problems."""
        try:
            return read()
        except _Enough:
            self.stopped = True
            return None

    def sorted_problems(self) -> list[Problem]:
        """Every problem in line order, as a person reads the file; checks run key by key, not top to bottom."""
        problems = sorted(self.problems, key=lambda p: p.line or 0)
        if self.stopped:
            problems.append(Problem(self.path, None, f"stopped after the first {MAX_PROBLEMS} problems; "
                                                     "correct these, then check the file again"))
        return problems

    def scalar(self, node: Node) -> Any:
        """The plain value of a scalar node, as the safe loader would give it."""
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            if "could not determine a constructor" in str(exc):  # !!python/... and other foreign tags
                message = f"the tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed here; remove it"
            else:
                message = f"cannot read this value: {getattr(exc, 'problem', exc)}"
            self._loader.recursive_objects.pop(node, None)
            self.problem(node, message)
            self._unreadable.add(id(node))
            return None
        except ValueError:
            # A timestamp-shaped value that is no real date (2026-13-40): PyYAML raises
            # ValueError and leaves the node marked as in construction. Keep it as text,
            # so the caller reports it in its own words.
            self._loader.recursive_objects.pop(node, None)
            return node.value

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...] | None = None) -> dict[str, tuple[Node, Node]] | None:
        """A mapping's entries as {key: (key_node, value_node)}; reports duplicates and unknown keys."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys to values, not {kind(node)}")
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                named = f"'{shown(key_node.value)}'" if isinstance(key_node, ScalarNode) else kind(key_node)
                self.problem(key_node, f"{what} has a key that is not a name: {named}")
                continue
            if key in entries:
                self.problem(key_node, f"{what} repeats the key '{key}' (first on line {line_of(entries[key][0])})")
                continue
            if allowed is not None and key not in allowed:
                self.problem(key_node, f"unknown key '{key}' in {what}{did_you_mean(key, allowed)}")
                continue
            entries[key] = (key_node, value_node)
        return entries

    def record(self, node: Node, what: str, allowed: tuple[str, ...], needs: tuple[str, str]) -> dict[str, tuple[Node, Node]] | None:
        """A list item that must be a mapping holding both keys of needs: its entries, or None once reported."""
        fields = self.mapping(node, what, allowed)
        if fields is not None and not all(key in fields for key in needs):
            named = " and ".join(f"{'an' if key[0] in 'aeiou' else 'a'} '{key}'" for key in needs)
            self.problem(node, f"{what} needs {named}")
            return None
        return fields

    def sequence(self, node: Node, what: str, like: str = "") -> list[Node] | None:
        """A list's items; `like` is an example shown when the node is not a list."""
        if not isinstance(node, SequenceNode):
            example = f", like {like}" if like else ""
            self.problem(node, f"{what} must be a list{example}, not {kind(node)}")
            return None
        return list(node.value)

    def string(self, node: Node, what: str, *, empty_ok: bool = False) -> str | None:
        value = self.scalar(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(node.value)
        if not isinstance(value, str):
            self.problem(node, f"{what} must be text, not {kind(node, value)}")
            return None
        value = value.strip()
        if not value and not empty_ok:
            self.problem(node, f"{what} must not be empty")
            return None
        if len(value) > MAX_TEXT:
            self.problem(node, f"{what} is {len(value):,} characters long; keep it to {MAX_TEXT:,} at most")
            return None
        return value

    def slug(self, node: Node, what: str, like: str = "grant-funding") -> str | None:
        value = self.string(node, what)
        if value is not None and not SLUG.match(value):
            self.problem(node, f"{what} '{value}' must be lowercase letters, digits and hyphens (like '{like}')")
            return None
        return value

    def integer(self, node: Node, what: str, *, at_most: int | None = None, at_least: int | None = None,
                why: str = "") -> int | None:
        """A whole number; with bounds, one outside them is reported (`why` says what the bound is for)."""
        value = self.scalar(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, str) and node.tag == INT_TAG and LONG_NUMBER.fullmatch(node.value):
            # Too many digits for Python to read (thousands): as far past any bound as a number can be.
            value = -(10 ** 4300) if node.value.lstrip().startswith("-") else 10 ** 4300
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(node, f"{what} must be a whole number, not {kind(node, value)}")
            return None
        low = at_least is not None and value < at_least
        if low or (at_most is not None and value > at_most):
            if at_least is not None and at_most is not None:
                bound = f"from {at_least:,} to {at_most:,}"
            else:
                bound = f"{at_least:,} or more" if low else f"at most {at_most:,}"
            self.problem(node, f"{what} must be {bound}{why}, not {shown(node.value)}")
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        value = self.scalar(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, bool):
            self.problem(node, f"{what} must be true or false, not {kind(node, value)}")
            return None
        return value

    def date(self, node: Node, what: str) -> dt.date | None:
        value = self.scalar(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                self.problem(node, f"{what} {value.strip()} is not a day in the calendar; check the month and the day (YYYY-MM-DD)")
                return None
        shown = f"'{node.value}'" if isinstance(node, ScalarNode) else kind(node)
        self.problem(node, f"{what} must be a date written YYYY-MM-DD (like 2026-12-03), not {shown}")
        return None


def kind(node: Node, value: Any = None) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if value is None:
        return "empty" if node.value in ("", "~", "null") else f"'{shown(node.value)}'"
    if isinstance(value, bool):
        return f"'{node.value}' (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {shown(node.value)}"
    return f"'{shown(node.value)}'"


def too_large() -> str:
    return (f"this file is larger than {MAX_FILE_BYTES // 1_000_000} MB; a plan or catalogue is a few pages "
            "of text: check that this is the right file")


def unsafe_char(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return (f"this text holds {char!r}, half of a pair of characters that cannot stand alone; "
                "write the character itself, or remove that escape")
    return f"this text holds a control character (U+{ord(char):04X}) that would disturb the screen; remove it"


def syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """The line to blame for a YAML syntax error, and what went wrong in plain words."""
    problem = exc.problem or str(exc)
    context = exc.context or ""
    line = exc.problem_mark.line + 1 if exc.problem_mark else None
    opened = exc.context_mark.line + 1 if exc.context_mark else line
    # An unclosed bracket or quote is noticed lines later; the line that opened it is the one to fix.
    unclosed = opened != line or "<stream end>" in problem
    if "flow sequence" in context and unclosed:
        return opened, "the list opened with '[' on this line is not closed; add the missing ']'"
    if "flow mapping" in context and unclosed:
        return opened, "the '{' on this line is not closed; add the missing '}'"
    if "quoted scalar" in context and "end of stream" in problem:
        return opened, "the quote opened on this line is not closed; add the closing quote"
    if "<stream end>" in problem or "end of stream" in problem:
        return line, "the file ends before a '[', '{' or quote is closed; check the brackets and quotes"
    if "flow" in context:
        return line, f"{problem}; check the commas, and put quotes round text that contains ': ' or ','"
    if "alias" in context or "anchor" in context or "undefined alias" in problem:
        return line, "text starting with '*' or '&' must be in quotes"
    if "another document" in problem:
        return line, "this file must be one YAML document, but a '---' line starts another; remove it"
    if "'\\t'" in problem:
        return line, "a tab character in the indentation; indent with spaces only"
    if "mapping values are not allowed" in problem:
        return line, "unexpected ':' on this line; check its indentation, and put quotes round text that contains ': '"
    if problem.startswith("expected <block end>") and ("'<block" in problem or "'-'" in problem):
        return line, "this line is not lined up with the lines above it; check its indentation"
    return line, f"{problem}; check the indentation, brackets and quotes on this line"
