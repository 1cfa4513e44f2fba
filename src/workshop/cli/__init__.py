"""The `workshop` command line: click commands by family; each parses, calls the domain, prints, exits.

Problems exit 2 with one line on stderr (base.fail). The entry point is workshop.cli:cli. Each command's
module is loaded only when that command runs (or its help is asked for): cli/commands.py lists them.
"""

from __future__ import annotations

from .base import cli

__all__ = ["cli"]
