"""Sharing results with a partnership board: the Datasette metadata for this database."""

from __future__ import annotations

from pathlib import Path

import click

from .base import Context, cli, fail, with_db


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
