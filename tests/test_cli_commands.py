"""The command line loads only the command it runs; its help still lists every command."""

from __future__ import annotations

import importlib
import subprocess
import sys

from click.testing import CliRunner

from workshop.cli import cli
from workshop.cli.commands import COMMANDS


def loaded_after(*args: str) -> tuple[int, str, list[str]]:
    """A fresh interpreter runs `workshop ARGS`: its exit code, its output, the command modules it loaded."""
    code = ("import sys\nfrom click.testing import CliRunner\nfrom workshop.cli import cli\n"
            f"out = CliRunner().invoke(cli, {list(args)!r}, env={{'COLUMNS': '80'}})\n"
            "print(out.exit_code)\nprint(sorted(m for m in sys.modules if m.startswith('workshop.cli.')))\n"
            "print(out.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    code_line, modules, output = out.split("\n", 2)
    return int(code_line), output, [m for m in eval(modules) if m.removeprefix("workshop.cli.") not in ("base", "commands")]


def test_help_lists_every_command_with_its_line_without_loading_any():
    code, output, modules = loaded_after("--help")
    assert (code, modules) == (0, [])
    listed = [line.split()[0] for line in output.split("Commands:\n", 1)[1].splitlines() if line[2:3].strip()]
    assert listed == sorted(COMMANDS)
    assert "  run                 Run a workshop.\n" in output
    assert "  validate            Check plan files; report every problem as" in output


def test_a_command_loads_only_its_own_module():
    code, output, modules = loaded_after("where")
    assert (code, modules) == (0, ["workshop.cli.housekeeping"])
    assert output.splitlines()[0].endswith(".db")


def test_each_listed_line_is_the_first_paragraph_of_its_commands_help():
    for name, (module, line) in COMMANDS.items():
        importlib.import_module(f"workshop.cli.{module}")
        command = cli.commands[name]  # the module named holds the command
        assert " ".join(command.help.partition("\n\n")[0].split()) == line, name
    assert sorted(cli.commands) == sorted(COMMANDS)  # and every command has its line


def test_a_mistyped_command_is_matched_against_every_command():
    result = CliRunner().invoke(cli, ["expotr"])
    assert result.exit_code == 2
    assert "No such command 'expotr'. Did you mean 'export'?" in result.output
