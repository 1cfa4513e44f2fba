"""The `workshop` command line: click commands by family; each parses, calls the domain, prints, exits.

Problems exit 2 with one line on stderr (base.fail). The entry point is workshop.cli:cli.
"""

from __future__ import annotations

from . import actions, board, housekeeping, plans, review, room, sessions  # noqa: F401  (each adds its commands)
from .base import cli

__all__ = ["cli"]
