"""Looking back across sessions: compare two, and one locality's trend."""

from __future__ import annotations

import json

import click

from ..export import REPORT_FORMATS
from ..wording import plural
from .base import Context, cli, fail, print_layout, unknown_locality, with_db, write_report


def check_report_options(fmt: str | None, output: str | None) -> None:
    if bool(fmt) != bool(output):
        fail("--format and -o go together: --format html -o report.html")


@cli.command()
@click.argument("first")
@click.argument("second")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), help="Write a report in this format...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="...to this file.")
@with_db
def compare(ctx: Context, first: str, second: str, as_json: bool, fmt: str | None, output: str | None) -> None:
    """Compare two sessions. Each group's rating and the gap, then and now.

    The older session is "then", whichever order FIRST and SECOND are given in: the earlier date,
    or on the same date the one started first (as History's compare orders them).
    """
    from ..export import export_comparison
    from ..session.records import load_comparison
    from ..store import StoreError

    check_report_options(fmt, output)
    with ctx.store(readonly=True) as store:
        try:
            ids = store.find_session_id(first), store.find_session_id(second)
            if ids[0] == ids[1]:
                fail(f"'{first}' and '{second}' are the same session ({ids[0]}); compare two different "
                     "sessions ('workshop list' shows them)")
            then, now = sorted((store.session(i) for i in ids), key=lambda s: (s.plan.date, s.created_at))
            comparison = load_comparison(store, then.id, now.id)
        except StoreError as exc:
            fail(str(exc))
    if fmt:
        write_report(export_comparison, comparison, fmt, output)
    elif as_json:  # data only: Rich and the terminal layouts are not loaded
        from ..export.json import comparison_data

        click.echo(json.dumps(comparison_data(comparison), indent=2, ensure_ascii=False))
    else:
        from .layout import comparison_view

        print_layout(comparison_view(comparison))


@cli.command()
@click.argument("locality")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), help="Write a report in this format...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="...to this file.")
@with_db
def trend(ctx: Context, locality: str, as_json: bool, fmt: str | None, output: str | None) -> None:
    """Each principle's gap over time for one locality."""
    from ..export import export_trend
    from ..session.records import load_trend

    check_report_options(fmt, output)
    with ctx.store(readonly=True) as store:
        record = load_trend(store, locality)
        known = store.localities() if not record.sessions else []
    if not record.sessions:
        fail(unknown_locality(locality, known))
    if fmt:
        write_report(export_trend, record, fmt, output)
    elif as_json:  # data only: Rich and the terminal layouts are not loaded
        from ..export.json import trend_data

        click.echo(json.dumps(trend_data(record), indent=2, ensure_ascii=False))
    else:
        from .layout import trend_view

        if len(record.sessions) < 3:
            click.echo(f"note: {locality} has {plural(len(record.sessions), 'session')}; a trend needs three or "
                       "more to say much", err=True)
        print_layout(trend_view(record))
