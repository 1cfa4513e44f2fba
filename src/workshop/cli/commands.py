"""Which module holds each command, and the words `workshop --help` lists it with.

The command line loads only the module of the command it runs (`workshop run` needs none of the
others, nor what they import), so the list in the help is read from here; each entry is the first
paragraph of its command's docstring, which tests/test_cli.py checks.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "action": ("actions", "Follow up action NUMBER. Its status, wording, owner or due date; or delete it."),
    "actions": ("actions", "List agreed actions. Each shows its session and the principle it is about."),
    "compare": ("review", "Compare two sessions. Each group's rating and the gap, then and now."),
    "datasette-metadata": ("board", "Write Datasette metadata: titles, descriptions and queries for the gap view, "
                                    "open actions and a locality's trend, with \"too few to show\" applied."),
    "delete": ("housekeeping", "Delete a session and all it holds. Ballots, notes and actions go too; asks first."),
    "export": ("sessions", "Export a session to a file. A report (html, md) or the data (xlsx, json, csv)."),
    "import": ("sessions", "Import paper ballots. A new session from PLAN with the ballots in VOTES.csv; "
                           "prints its id."),
    "list": ("sessions", "List sessions, newest first (the newest 50 unless --all)."),
    "merge": ("housekeeping", "Bring in another database's sessions. OTHER.db is only read; merging twice "
                              "changes nothing."),
    "new": ("plans", "Write a commented plan to PATH, ready to edit."),
    "principles": ("plans", "List the principle catalogue. Ids to paste into a plan, statements, themes."),
    "publish": ("board", "Write a results-only copy of sessions for a partnership board: no ballots, names or "
                         "plans, \"too few to show\" applied to every number, notes and actions as the reports "
                         "show them."),
    "run": ("room", "Run a workshop. A PLAN file starts a new session, a SESSION id resumes one."),
    "show": ("sessions", "Show a session's gap view."),
    "trend": ("review", "Each principle's gap over time for one locality."),
    "upgrade": ("housekeeping", "Bring the database up to this version of workshop. Commands that only read "
                                "never change it."),
    "validate": ("plans", "Check plan files; report every problem as PATH:LINE: message."),
    "where": ("housekeeping", "Print the database file in use."),
}
