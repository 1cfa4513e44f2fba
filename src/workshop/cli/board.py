"""Sharing results with a partnership board: a results-only copy to publish, and Datasette metadata."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from .base import Context, cli, fail, unknown_locality, with_db


@cli.command(name="datasette-metadata")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False),
              help="The file to write: .yaml, .yml or .json (default: YAML on stdout).")
@click.option("--name", help="The database's name in Datasette (default: the database file's name "
                             "without its extension, as Datasette names it).")
@click.option("--raw", is_flag=True,
              help="Also open the tables of single ballots and unsuppressed means, and free SQL "
                   "(for the facilitator's own use, not a board).")
@with_db
def datasette_metadata(ctx: Context, output: str | None, name: str | None, raw: bool) -> None:
    """Write Datasette metadata: titles, descriptions and queries for the gap view, open actions and
    a locality's trend, with "too few to show" applied.

    Then: datasette workshop.db --metadata metadata.yaml
    """
    from ..datasette_metadata import FORMATS, metadata, render
    from ..export import ExportError, replace_atomically

    name = name if name is not None else ctx.db_path.stem
    if not name.strip():
        fail("--name is empty; give the name Datasette shows for the database")
    fmt = "yaml"
    if output:
        fmt = FORMATS.get(Path(output).suffix.lower())
        if fmt is None:
            fail(f"{output}: unknown extension; use .yaml, .yml or .json")
    text = render(metadata(name, raw=raw), fmt)
    if not output:
        click.echo(text, nl=False)
        return
    try:
        with replace_atomically(Path(output)) as fh:
            fh.write(text)
    except ExportError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{output}: cannot write ({exc.strerror})")
    click.echo(f"wrote {output} (for the database '{name}')")


@cli.command()
@click.argument("sessions", nargs=-1)
@click.option("--locality", help="Every session of this locality (as well as any SESSION given).")
@click.option("-o", "--output", "output", required=True, type=click.Path(),
              help="The copy to write, such as board.db; its Datasette metadata goes beside it.")
@click.option("--force", is_flag=True, help="Replace the copy and its metadata if they exist.")
@with_db
def publish(ctx: Context, sessions: tuple[str, ...], locality: str | None, output: str, force: bool) -> None:
    """Write a results-only copy of sessions for a partnership board: no ballots, names or plans,
    "too few to show" applied to every number, notes and actions as the reports show them.

    Beside it goes NAME.metadata.yaml (titles, the gap view, a locality's trend, open actions).
    Then: datasette board.db --metadata board.metadata.yaml
    """
    from ..export import ExportError
    from ..export.publish import check_target, publish as write_copy
    from ..session.records import load_record
    from ..store import StoreError

    if not sessions and not locality:
        fail("give the sessions to publish ('workshop list' shows them), or --locality for all of a locality's")
    path = Path(output)
    try:
        check_target(path, force=force, source=ctx.db_path)
    except ExportError as exc:
        fail(str(exc))
    with ctx.store(readonly=True) as store:
        try:
            ids = [store.find_session_id(ref) for ref in sessions]
            if locality:
                found = [s.id for s in store.sessions(locality=locality)]
                if not found:
                    fail(unknown_locality(locality, store.localities()))
                ids += found
            records = [load_record(store, sid, ballots=False) for sid in dict.fromkeys(ids)]
        except StoreError as exc:
            fail(str(exc))
    try:
        meta = write_copy(records, path)
    except ExportError as exc:
        fail(str(exc))
    except (OSError, sqlite3.Error) as exc:
        fail(f"{output}: cannot write ({getattr(exc, 'strerror', None) or exc})")
    count = len(records)
    click.echo(f"wrote {output} ({count} session{'s' * (count != 1)}) and {meta}")
    click.echo(f"serve it with: datasette {output} --metadata {meta}")
