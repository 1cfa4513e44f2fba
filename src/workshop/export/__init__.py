"""Exporters: a SessionRecord in, a file out. Each writes to a temporary file and renames it into place."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

FORMATS = ("csv", "json", "xlsx", "md", "html")
REPORT_FORMATS = ("md", "html", "json")  # for comparisons and trends


class ExportError(Exception):
    """The export cannot be written where asked; the message says why."""


@contextmanager
def replace_atomically(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write into a temporary file beside path, then move it into place: never a half-written file."""
    import tempfile  # here, not above: show, compare and trend read export/report.py's wording only

    path = Path(path)
    problem = target_problem(path)
    if problem:
        raise ExportError(problem)
    # The temporary name is cut short, so any name the folder can hold can be written.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", dir=path.parent)
    try:
        kwargs = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def target_problem(path: Path, *, folder: bool = False) -> str | None:
    """Why no export can be written at path, in a line; None when it can be tried. folder: the
    export is a folder of files (CSV), so an existing folder is its place, not a mistake."""
    try:
        if path.is_dir() and not folder:
            return f"{path}: is a folder; give a file name"
        if not_a_file(path):
            return f"{path}: not a regular file (a device, pipe or socket); give a file name"
        if not path.parent.exists():
            return f"{path.parent}: no such folder"
        if not path.parent.is_dir():
            return f"{path.parent}: is a file, not a folder"
    except OSError as exc:  # a name too long for the file system, and the like
        return f"{path}: cannot be written there ({exc.strerror or exc}); give another name"
    return None


def not_a_file(path: Path) -> bool:
    """Whether path is a device, a pipe or a socket (or a link to one). A file renamed onto it would
    replace the thing itself: run as root, `-o /dev/null` would leave the machine without one."""
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:  # nothing there (or a link to nothing): a new file
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _module(fmt: str):
    from importlib import import_module

    return import_module(f".{fmt}", __name__)


def _write(what: str, formats: tuple[str, ...], method: str, thing, fmt: str, path) -> Path:
    if fmt not in formats:
        raise ExportError(f"{what} exports as {', '.join(formats)}, not '{fmt}'")
    path = Path(path)
    getattr(_module(fmt), method)(thing, path)
    return path


def export(record, fmt: str, path: str | os.PathLike) -> Path:
    """Write one session (a SessionRecord) in a format of FORMATS."""
    return _write("a session", FORMATS, "write", record, fmt, path)


def export_comparison(comparison, fmt: str, path: str | os.PathLike) -> Path:
    """Write a ComparisonRecord in a format of REPORT_FORMATS."""
    return _write("a comparison", REPORT_FORMATS, "write_comparison", comparison, fmt, path)


def export_trend(trend, fmt: str, path: str | os.PathLike) -> Path:
    """Write a TrendRecord in a format of REPORT_FORMATS."""
    return _write("a trend", REPORT_FORMATS, "write_trend", trend, fmt, path)
