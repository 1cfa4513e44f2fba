"""Sessions in the database: list them, show one, import paper ballots, export a report or the data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..export import FORMATS
from ..wording import plural
from .base import Context, cli, console, fail, fail_problems, load_plan_or_fail, load_record_or_fail, \
    print_layout, to_terminal, unknown_locality, with_db, write_report

# The format an export's file name asks for; a folder (or a name with no extension) gets CSV files.
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "md", ".xlsx": "xlsx", ".json": "json", ".zip": "csv"}


LIST_NEWEST = 50  # what a facilitator looks for is recent; --all lists years of history


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (every session).")
@click.option("--locality", help="Only sessions of this locality.")
@click.option("--all", "everything", is_flag=True, help=f"Every session, not only the newest {LIST_NEWEST}.")
@with_db
def list_sessions(ctx: Context, as_json: bool, locality: str | None, everything: bool) -> None:
    """List sessions, newest first (the newest 50 unless --all)."""
    sessions, known, total = [], [], 0
    if ctx.has_database():  # else nothing to list, and no file is made to say so
        with ctx.store(readonly=True) as store:
            limit = None if everything or as_json else LIST_NEWEST
            sessions = store.sessions(locality=locality, limit=limit)
            total = len(sessions) if limit is None or len(sessions) < limit else store.count_sessions(locality=locality)
            if locality and not sessions:
                known = store.localities()
    if as_json:
        click.echo(json.dumps([s._asdict() | {"groups": list(s.groups)} for s in sessions], indent=2,
                              ensure_ascii=False))
    elif sessions:
        if to_terminal():
            from ..renderables import session_list

            console().print(session_list(sessions))
        else:  # a line a session, for grep and files; Rich's console and tables are not loaded
            from .plain import aligned

            click.echo("\n".join(aligned(("id", "date", "title", "locality", "ballots", "status"), [
                (s.id, s.date, s.title, s.locality, str(s.ballots), s.status) for s in sessions], right={4})))
        if total > len(sessions):
            click.echo(f"the newest {len(sessions)} of {plural(total, 'session')}; "
                       "'workshop list --all' lists every one")
    elif not ctx.has_database():
        click.echo(f"no sessions yet (no database at {ctx.db_path}); start one with: workshop run sessions/demo.yaml")
    elif locality:
        fail(unknown_locality(locality, known))
    else:
        click.echo(f"no sessions yet in {ctx.db_path}; start one with: workshop run sessions/demo.yaml")


@cli.command()
@click.argument("session")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--sort", type=click.Choice(["order", "gap", "theme"]), default="order", show_default=True)
@with_db
def show(ctx: Context, session: str, as_json: bool, sort: str) -> None:
    """Show a session's gap view."""
    record = load_record_or_fail(ctx, session, ballots=False)
    if as_json:  # data only: Rich and the terminal layouts are not loaded
        from ..export.json import session_data

        click.echo(json.dumps(session_data(record), indent=2, ensure_ascii=False))
    else:
        from .layout import gap_view

        print_layout(gap_view(record, sort))


@cli.command(name="import")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.argument("votes", metavar="VOTES.csv", type=click.Path(dir_okay=False))
@with_db
def import_votes(ctx: Context, plan_path: str, votes: str) -> None:
    """Import paper ballots. A new session from PLAN with the ballots in VOTES.csv; prints its id."""
    from ..store import BallotError, StoreError
    from ..inputs.ballots_csv import read_votes
    from ..inputs.problems import InputError
    from ..model import Prediction
    from ..model import Dots

    plan, text = load_plan_or_fail(plan_path)
    try:
        ballots = read_votes(votes, plan)
    except InputError as exc:
        fail_problems(exc.problems)
    with ctx.store(create=True) as store:
        try:
            session = store.import_ballots(plan, text, ballots)
        except (BallotError, StoreError) as exc:
            fail(f"{votes}: {exc}; nothing was imported")
    predicted = sum(1 for b in ballots if isinstance(b, Prediction))
    dotted = sum(b.dots for b in ballots if isinstance(b, Dots))
    counted = plural(len(ballots) - predicted - sum(1 for b in ballots if isinstance(b, Dots)), "ballot") \
        + (f" and {plural(predicted, 'prediction')}" if predicted else "") \
        + (f" and {plural(dotted, 'dot')}" if dotted else "")
    click.echo(f"imported {counted} into session {session.id}", err=True)
    names = {b.participant for b in ballots if b.participant}
    if plan.anonymous and names:
        # Kept neither as names nor as ids linking a person's ballots: each ballot stands alone.
        click.echo(f"dropped {plural(len(names), 'name')}: the plan is anonymous, so each ballot is kept "
                   "on its own, linked to no one", err=True)
    click.echo(session.id)


def format_for(output: str) -> str:
    """The export format a file name asks for, from its extension; a folder means CSV files."""
    path = Path(output)
    try:
        folder = path.is_dir()
    except OSError:  # a name the file system refuses: the writer says so
        folder = False
    if output.endswith(("/", os.sep)) or folder or not path.suffix:
        return "csv"
    fmt = EXTENSIONS.get(path.suffix.lower())
    if path.suffix.lower() == ".csv":
        return "csv"  # refused by export, which says why
    if fmt is None:
        fail(f"{output}: no export format ends '{path.suffix}'; use .html, .md, .xlsx, .json, .zip or a folder "
             "(CSV files), or give --format")
    return fmt


@cli.command()
@click.argument("session")
@click.option("-o", "--output", "output", required=True, type=click.Path(),
              help="The file to write; its extension gives the format (.html .md .xlsx .json; .zip or a "
                   "folder for CSV files).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="The format, whatever the file is called.")
@with_db
def export(ctx: Context, session: str, output: str, fmt: str | None) -> None:
    """Export a session to a file. A report (html, md) or the data (xlsx, json, csv)."""
    from ..export import export as write_export

    fmt = fmt or format_for(output)
    if fmt == "csv" and Path(output).suffix.lower() == ".csv":  # it would be a folder named like a file
        fail(f"{output}: CSV exports are several files, one a table; give a folder name, or a name ending .zip")
    write_report(write_export, load_record_or_fail(ctx, session), fmt, output)
