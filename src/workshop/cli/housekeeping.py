"""Keeping the database in order: where it is, upgrading it, deleting a session, merging another
facilitator's file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..wording import plural
from .base import Context, cli, confirm, fail, with_db


@cli.command()
@with_db
def where(ctx: Context) -> None:
    """Print the database file in use."""
    path = ctx.db_path
    click.echo(str(path))
    if not ctx.has_database():
        click.echo("(no database there yet: 'workshop run' or 'workshop import' creates it)", err=True)


@cli.command()
@with_db
def upgrade(ctx: Context) -> None:
    """Bring the database up to this version of workshop. Commands that only read never change it."""
    from ..store import SCHEMA_VERSION

    with ctx.store() as store:
        before = store.upgraded_from
    if before is None:
        click.echo(f"{store.path}: up to date (schema {SCHEMA_VERSION})")
    else:
        click.echo(f"{store.path}: upgraded from schema {before} to {SCHEMA_VERSION}")


@cli.command()
@click.argument("session")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@with_db
def delete(ctx: Context, session: str, yes: bool) -> None:
    """Delete a session and all it holds. Ballots, notes and actions go too; asks first."""
    from ..store import StoreError

    with ctx.store() as store:
        try:
            sid = store.find_session_id(session)
        except StoreError as exc:
            fail(str(exc))
        summary = store.sessions(ids=[sid])[0]
        question = (f"Delete session {sid} “{summary.title}”, {summary.date} "
                    f"({plural(summary.ballots, 'ballot')}, with its notes and actions)?")
        if not confirm(question, yes):
            click.echo("nothing deleted", err=True)
            return
        ballots = store.delete_session(sid)
    click.echo(f"deleted session {sid} ({plural(ballots, 'ballot')})")


@cli.command()
@click.argument("other")
@with_db
def merge(ctx: Context, other: str) -> None:
    """Bring in another database's sessions. OTHER.db is only read; merging twice changes nothing."""
    from ..store import StoreError
    from ..store.merge import merge as merge_databases, open_other

    try:
        open_other(Path(other)).close()  # checked before this database is opened, let alone created
    except StoreError as exc:
        fail(str(exc))
    with ctx.store(create=True) as store:
        try:
            report = merge_databases(store, Path(other))
        except StoreError as exc:
            fail(str(exc))
    click.echo(f"added {plural(len(report.added), 'session')}, {len(report.unchanged)} already here")
    for sid in report.conflicts:
        click.echo(f"conflict: session {sid} differs here and in {other}; kept this database's copy", err=True)
    if report.conflicts:
        sys.exit(1)
