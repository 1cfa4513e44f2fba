"""The HTML report's templates, compiled once and kept in the user's cache folder for the next export.

Compiling the report's four templates was a third of an HTML export's time, every time. A file is
named by a tag of Jinja2's version and the environment's options and by Jinja2's key for the
template, and holds the compiled code after a SHA-256 of that name and code; Jinja2 checks the
template's text itself (a changed template is compiled again). So the code a report runs is the
code compiled from today's templates with today's options: a file damaged, cut short or moved from
another name, a folder that cannot be written or found, or something there that is not a plain file,
means the template is compiled as it would have been with no cache at all. (The seal finds accidents
and mix-ups, not someone who can already write the user's files.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

import jinja2
import platformdirs
from jinja2 import BytecodeCache

LARGEST = 1 << 22  # bytes: far above any compiled template here (the largest is about 20 KB)


def cache_tag(options: dict) -> str:
    """Names the files of one Jinja2 version and one set of environment options."""
    return hashlib.sha256(repr((jinja2.__version__, sorted(options.items()))).encode()).hexdigest()[:12]


class CompiledTemplates(BytecodeCache):
    """Jinja2's bytecode cache, one sealed file a template in a private folder."""

    def __init__(self, directory: Path, tag: str):
        self.directory = directory
        self.tag = tag

    def path(self, bucket) -> Path:
        return self.directory / f"{self.tag}-{bucket.key}.jinja"

    def seal(self, bucket, code: bytes) -> bytes:
        """The SHA-256 a file starts with: of its name and its code, so that code left under another
        name (another template's, another tag's) is refused like damaged code."""
        return hashlib.sha256(self.path(bucket).name.encode() + b"\0" + code).digest()

    def load_bytecode(self, bucket) -> None:
        try:  # never blocking: a pipe or a device in its place is refused below, not read from
            fd = os.open(self.path(bucket), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        except OSError:
            return
        try:
            found = os.fstat(fd)
            if not stat.S_ISREG(found.st_mode) or found.st_size > LARGEST:
                return  # a folder, a pipe, a device, or nothing a compiled template could be
            with os.fdopen(fd, "rb", closefd=False) as f:
                data = f.read(LARGEST + 1)
        except OSError:
            return
        finally:
            os.close(fd)
        digest, code = data[:32], data[32:]
        if self.seal(bucket, code) != digest:
            return  # damaged, or not this template's: compiled afresh, and written over
        try:
            bucket.bytecode_from_string(code)  # Jinja2's own checks: its version, Python's, the template's text
        except Exception:  # what it cannot read it never runs
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        code = bucket.bytecode_to_string()
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # private, as Jinja2's own
            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")  # mode 0600
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.seal(bucket, code) + code)
            os.replace(temp, self.path(bucket))  # whole or not at all
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def cache_folder() -> Path | None:
    """The user's cache folder for compiled templates; None where there is no user folder to find
    (no HOME and no entry in the password file, as in some containers): then nothing is kept."""
    try:
        return platformdirs.user_cache_path("workshop", appauthor=False) / "templates"
    except (RuntimeError, KeyError, OSError):
        return None
