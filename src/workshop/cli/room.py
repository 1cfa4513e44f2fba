"""workshop run: the facilitator's screens, starting a session from a plan or resuming one."""

from __future__ import annotations

from pathlib import Path

import click

from .base import Context, cli, fail, load_plan_or_fail, with_db

SESSIONS_DIR = Path("sessions")


@cli.command()
@click.argument("target", required=False)
@click.option("--simulate", is_flag=True, help="Simulated participants vote (for demos and trying things out).")
@click.option("--phones", is_flag=True, help="Let participants vote on their phones (on if the plan's modes say so).")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address the phone voting server listens on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port for phone voting; 0 picks a free one.")
@with_db
def run(ctx: Context, target: str | None, simulate: bool, phones: bool, host: str, port: int) -> None:
    """Run a workshop. A PLAN file starts a new session, a SESSION id resumes one."""
    import gc

    # Start-up builds what lives as long as the app (modules, widgets, styles): the cycle collector
    # would walk it over and over, a sixth of the time to the first frame. The app turns it back on
    # once its first frame is drawn (WorkshopApp.after_first_frame).
    gc.disable()
    try:
        start(ctx, target, simulate, phones, host, port)
    finally:
        gc.enable()


def start(ctx: Context, target: str | None, simulate: bool, phones: bool, host: str, port: int) -> None:
    from ..store import StoreError

    plan = session_id = None
    if target and (target.endswith((".yaml", ".yml")) or Path(target).exists()):
        plan = load_plan_or_fail(target)  # every problem is reported before anything starts
    resuming = bool(target) and plan is None
    store = ctx.store(create=not resuming)  # resuming a session needs the database it is in
    if resuming:
        try:
            session_id = store.find_session_id(target)
        except StoreError as exc:
            store.close()
            fail(str(exc))
    from ..tui.app import WorkshopApp

    try:
        WorkshopApp(store, plan=plan, plan_path=Path(target) if plan else None, session_id=session_id,
                    simulate=simulate, sessions_dir=SESSIONS_DIR,
                    phones=phones, host=host, port=port, log_path=phones_log()).run()
    finally:
        store.close()


def phones_log() -> Path | None:
    """Where the phone server's problems are written: the user's log folder; None (not written)
    where there is no user folder to find or make (no HOME and no password entry, a read-only home)."""
    import platformdirs

    try:
        log_dir = platformdirs.user_log_path("workshop", appauthor=False)
        log_dir.mkdir(parents=True, exist_ok=True)
    except (RuntimeError, KeyError, OSError):
        return None
    return log_dir / "phones.log"
