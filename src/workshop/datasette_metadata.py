"""The Datasette metadata shipped with workshop: titles, descriptions and suppressed queries for a database."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

import yaml

TEMPLATE = "datasette-metadata.yaml"
TEMPLATE_NAME = "workshop"  # the database's key in the template
PUBLISHED = "published_copy"  # the template's part for a copy made by `workshop publish`
PUBLISHED_NAME = "board"  # that part's database key
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


@cache
def _template() -> dict[str, Any]:
    return yaml.safe_load(resources.files("workshop").joinpath(TEMPLATE).read_text(encoding="utf-8"))


def metadata(database: str, *, raw: bool = False) -> dict[str, Any]:
    """The metadata for a database Datasette calls `database` (its file name without the extension).

    raw=False keeps the tables with single ballots, names or unsuppressed means closed, and free
    SQL off, so a board sees only what the queries show; raw=True opens everything.
    """
    data = copy.deepcopy(_template())
    data.pop(PUBLISHED)
    db = data["databases"].pop(TEMPLATE_NAME)
    if raw:
        db.pop("allow_sql", None)
        for table in db["tables"].values():
            table.pop("allow", None)
    data["databases"][database] = db
    return data


def published_metadata(database: str) -> dict[str, Any]:
    """The metadata for a published copy that Datasette calls `database`: everything in it is open."""
    data = copy.deepcopy(_template()[PUBLISHED])
    data["databases"] = {database: data["databases"].pop(PUBLISHED_NAME)}
    return data


class _Dumper(yaml.SafeDumper):
    """Multi-line text (the queries' SQL) as a literal block, so the written file reads like the shipped one."""


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render(data: dict[str, Any], fmt: str) -> str:
    """The metadata as YAML or JSON text."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
