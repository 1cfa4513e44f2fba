"""The product's vocabulary as frozen dataclasses: what a plan is made of (plan.py), what a session
records (stored.py) and the priorities round's dots (priorities.py)."""

from .plan import (ADDRESSED_TO, DEFAULT_LABELS, KNOWN_GROUP_NAMES, MODES, Fact, Group, Plan, Principle, Scale,
                   Seat, Source, Theme, group_name)
from .priorities import Dots, DotTally
from .stored import (ACTION_STATUSES, COMMENT_STATUSES, Action, Ballot, Comment, Note, Prediction, Session,
                     SessionSummary)

__all__ = ["ACTION_STATUSES", "ADDRESSED_TO", "COMMENT_STATUSES", "DEFAULT_LABELS", "KNOWN_GROUP_NAMES", "MODES",
           "Action", "Ballot", "Comment", "DotTally", "Dots", "Fact", "Group", "Note", "Plan", "Prediction",
           "Principle", "Scale", "Seat", "Session", "SessionSummary", "Source", "Theme", "group_name"]
