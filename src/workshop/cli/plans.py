"""Commands about plans and the catalogue: validate, new, principles. None of them opens the database."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import string
from pathlib import Path

import click

from .base import cli, console, fail, fail_problems


@cli.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(plans: tuple[str, ...]) -> None:
    """Check plan files; report every problem as PATH:LINE: message."""
    from ..inputs.catalogue import default_catalogue
    from ..inputs.plan import load_plan, summary
    from ..inputs.problems import InputError

    problems = []
    for path in plans:
        try:
            plan, _ = load_plan(path, default_catalogue())
        except InputError as exc:
            problems += exc.problems
        else:
            click.echo(f"{path}: ok: {summary(plan)}")
    if problems:
        fail_problems(problems)


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--title", default="Partnership Health Check", help="The workshop's title.")
@click.option("--locality", default="",
              help="The area the workshop is about; sessions of one locality are compared over time.")
@click.option("--date", "date", default=None, help="YYYY-MM-DD (default: today).")
def new(path: str, title: str, locality: str, date: str | None) -> None:
    """Write a commented plan to PATH, ready to edit."""
    target = Path(path)
    if target.exists():
        fail(f"{target}: already exists; choose a new file name or delete it first")
    if not target.parent.exists():
        fail(f"{target.parent}: no such folder")
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        fail(f"--date '{date}' must be written YYYY-MM-DD")
    from importlib import resources

    template = (resources.files("workshop") / "plan-template.yaml").read_text(encoding="utf-8")
    text = string.Template(template).substitute(
        filename=target.as_posix(), title=json.dumps(title, ensure_ascii=False),
        locality=json.dumps(locality, ensure_ascii=False), date=day.isoformat())
    try:
        with target.open("x", encoding="utf-8") as fh:  # "x": never over a file made meanwhile
            fh.write(text)
    except OSError as exc:
        if not isinstance(exc, FileExistsError):
            with contextlib.suppress(OSError):
                target.unlink()  # written in part (the disk full): nothing half-written stays
        fail(f"{target}: cannot be written ({exc.strerror or exc}); choose a folder you can write to")
    click.echo(f"wrote {target}; edit it, then: workshop validate {target}")


@cli.command()
@click.option("--theme", help="Only this theme.")
@click.option("--quotes", is_flag=True, help="Show each principle's sources: the text's title and the verbatim quote.")
@click.option("--facts", "facts", is_flag=True,
              help="List the yes/no facts about an area that a plan records (facts: {local-compact: yes}) instead.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (sources always included).")
def principles(theme: str | None, quotes: bool, facts: bool, as_json: bool) -> None:
    """List the principle catalogue. Ids to paste into a plan, statements, themes."""
    from ..inputs.catalogue import default_catalogue
    from ..renderables import principle_table
    from ..wording import plural
    from ..inputs.problems import InputError, did_you_mean

    try:
        cat = default_catalogue()
    except InputError as exc:
        fail_problems(exc.problems)
    chosen = cat.principles
    if theme:
        if theme not in cat.theme_ids:
            fail(f"unknown theme '{theme}'{did_you_mean(theme, cat.theme_ids)}")
        chosen = cat.in_theme(theme)
    if as_json:
        data = {"themes": [t.__dict__ for t in cat.themes if not theme or t.id == theme],
                "texts": [t.__dict__ for t in cat.texts],
                "principles": [p.to_dict() for p in chosen],
                "facts": [{k: v for k, v in f.to_dict().items() if k != "answer"} for f in cat.facts]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if facts:
        for fact in cat.facts:
            needed = [p.id for p in cat.principles if p.needs_fact == fact.id]
            click.echo(f"{fact.id}\n  {fact.question}" + (f"\n  needed by: {', '.join(needed)}" if needed else ""))
        click.echo(f"{plural(len(cat.facts), 'fact')}; record the answers in a plan, like: facts: {{{cat.facts[0].id}: yes}}"
                   if cat.facts else "the catalogue has no facts")
        return
    console().print(principle_table(chosen, quotes=quotes))
    click.echo(plural(len(chosen), "principle") + ("" if theme else f" in {plural(len(cat.themes), 'theme')}"))
