"""The HTML report's templates, compiled once and kept in the user's cache folder for the next export.

Compiling the report's four templates was a third of an HTML export's time, every time. Each file
holds one template's compiled code after a SHA-256 of that code, and is named by a tag of Jinja2's
version and the environment's options and by Jinja2's key for the template; Jinja2 checks the
template's text itself (a changed template is compiled again). So the code a report runs is always
the code compiled from today's templates with today's options: a file damaged in any way, a folder
that cannot be written, or something there that is not a plain file, means the template is compiled
as it would have been with no cache at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

import jinja2
from jinja2 import BytecodeCache

LARGEST = 1 << 22  # bytes: far above any compiled template here (the largest is about 20 KB)


def cache_tag(options: dict) -> str:
    """Names the files of one Jinja2 version and one set of environment options."""
    return hashlib.sha256(repr((jinja2.__version__, sorted(options.items()))).encode()).hexdigest()[:12]


class CompiledTemplates(BytecodeCache):
    def __init__(self, directory: Path, tag: str):
        self.directory = directory
        self.tag = tag

    def path(self, bucket) -> Path:
        return self.directory / f"{self.tag}-{bucket.key}.jinja"

    def load_bytecode(self, bucket) -> None:
        try:  # never blocking: a pipe or a device in its place is refused below, not read from
            fd = os.open(self.path(bucket), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        except OSError:
            return
        with os.fdopen(fd, "rb") as f:
            try:
                found = os.fstat(f.fileno())
                if not stat.S_ISREG(found.st_mode) or found.st_size > LARGEST:
                    return
                data = f.read(LARGEST + 1)
            except OSError:
                return
        digest, code = data[:32], data[32:]
        if hashlib.sha256(code).digest() != digest:
            return  # damaged: compiled afresh, and written over
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
                f.write(hashlib.sha256(code).digest() + code)
            os.replace(temp, self.path(bucket))  # whole or not at all
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
