"""Following up what was agreed: list the actions, and change or delete one."""

from __future__ import annotations

import json

import click

from ..model import ACTION_STATUSES
from ..wording import owner_due
from .base import Context, cli, confirm, console, fail, with_db


@cli.command()
@click.option("--locality", help="Only actions agreed in this locality.")
@click.option("--open", "open_only", is_flag=True, help="Only actions still open or in progress.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_db
def actions(ctx: Context, locality: str | None, open_only: bool, as_json: bool) -> None:
    """List agreed actions. Each shows its session and the principle it is about."""
    rows, principles = [], {}
    if ctx.has_database():  # else there are none, and no file is made to say so
        with ctx.store(readonly=True) as store:
            rows = store.all_actions(locality=locality, open_only=open_only)
            principles = store.action_principles(a.id for a, _ in rows)
    if as_json:
        click.echo(json.dumps([
            a.__dict__ | {"session_date": s.date, "locality": s.locality, "session_title": s.title,
                          "principle_number": principles.get(a.id, (None, None))[0],
                          "principle_statement": principles.get(a.id, (None, None))[1]}
            for a, s in rows], indent=2, ensure_ascii=False))
    elif not rows:
        where = "" if ctx.has_database() else f" (no database at {ctx.db_path})"
        click.echo("no actions" + (" open" if open_only else "") + (f" for {locality}" if locality else "") + where)
    else:
        from ..renderables import actions_table  # Rich's tables only for the terminal

        console().print(actions_table(rows, principles))


@cli.command()
@click.argument("number", type=int)
@click.option("--status", type=click.Choice(ACTION_STATUSES), help="Open, in progress, done or dropped.")
@click.option("--note", default=None, help="What happened, e.g. 'Timetable published in May'.")
@click.option("--text", default=None, help="New wording for the action.")
@click.option("--owner", default=None, help="Who does it: a group or a named person ('' for nobody yet).")
@click.option("--due", default=None, help="Due date, YYYY-MM-DD ('' for none).")
@click.option("--delete", "delete_it", is_flag=True, help="Delete the action (asks first).")
@click.option("--yes", is_flag=True, help="With --delete: do not ask first (for scripts).")
@with_db
def action(ctx: Context, number: int, status: str | None, note: str | None, text: str | None, owner: str | None,
           due: str | None, delete_it: bool, yes: bool) -> None:
    """Follow up action NUMBER. Its status, wording, owner or due date; or delete it.

    NUMBER is the one 'workshop actions' shows.
    """
    from ..store import StoreError

    if status is not None and note is None:
        note = ""  # a new status starts without the old one's note
    changes = {"status": status, "status_note": note, "text": text, "owner": owner, "due": due}
    changes = {k: v for k, v in changes.items() if v is not None}
    if delete_it and changes:
        fail("--delete deletes the whole action; give it without --status, --note, --text, --owner or --due")
    with ctx.store() as store:
        try:
            current = store.action(number)
            if delete_it:
                if not confirm(f"Delete action {number} “{current.text}”?", yes):
                    click.echo("nothing deleted", err=True)
                    return
                store.delete_action(number)
                click.echo(f"deleted action {number}")
                return
            updated = store.update_action(number, **changes)
        except StoreError as exc:
            fail(str(exc))
    click.echo(f"action {updated.id}: {updated.text}")
    click.echo("  " + owner_due(updated.owner, updated.due, updated.status
                                + (f" ({updated.status_note})" if updated.status_note else "")))
