"""What is wrong with an input file: each problem names the file, the line and what to do."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as the file allows."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class InputError(Exception):
    """An input file has problems; each one is reported, none is fixed silently."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def shown(text: str, limit: int = 40) -> str:
    """A value quoted in a message: whole when short, its start when it would fill the screen."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else f"; expected one of: {', '.join(choices)}"
