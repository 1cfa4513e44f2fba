"""How numbers read: one rule for rounding, signs, gaps and moves, by tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop import wording
from workshop.wording import MINUS


@pytest.mark.parametrize("value, shown", [
    (3.25, "3.3"), (3.35, "3.4"), (2.45, "2.5"), (2.675, "2.7"), (3.24999, "3.2"),
    (-0.05, f"{MINUS}0.1"), (-0.04, "0.0"), (0.0, "0.0"), (None, "–"), (4.0, "4.0"),
])
def test_means_round_half_away_from_zero(value, shown):
    assert wording.number(value) == shown


@pytest.mark.parametrize("first, then", [(0.0, -0.0), (-0.0, 0.0), (2, 2.0), (2.0, 2)])
def test_a_number_rounds_the_same_whatever_was_rounded_before(first, then):
    """Rounding keeps what it has worked out; two numbers that are equal but written differently
    (0.0 and -0.0 in a data file, 2 and 2.0) each still get their own answer."""
    for value in (first, then, first):
        assert repr(wording.rounded(value)) == repr(float(f"{value:.1f}"))
        assert repr(wording.for_data(value)) == repr(float(f"{value:.3f}"))


@pytest.mark.parametrize("value, shown", [
    (1.25, "+1.3"), (-1.25, f"{MINUS}1.3"), (0.04, "0.0"), (-0.04, "0.0"), (None, "–"),
])
def test_signed(value, shown):
    assert wording.signed(value) == shown


@pytest.mark.parametrize("council, vcs, words", [
    (3.44, 1.75, "VCS rates this 1.6 lower than Council"),  # 3.4 and 1.8 on screen: the room subtracts 1.6
    (3.0, 3.96, "VCS rates this 1.0 higher than Council"),
    (3.04, 3.0, "VCS and Council rate this the same"),
    (3.0, 3.5, "VCS rates this 0.5 higher than Council"),  # under a point either way still has its side
    (3.0, 2.6, "VCS rates this 0.4 lower than Council"),
    (None, 3.0, "No gap to show yet"),
])
def test_gap_words_use_the_means_shown(council, vcs, words):
    assert wording.gap_words(council, vcs, "Council", "VCS") == words


@given(st.floats(1, 5), st.floats(1, 5))
def test_the_gap_shown_is_the_difference_of_the_means_shown(a, b):
    gap = wording.shown_gap(a, b)
    assert wording.signed(gap).replace(MINUS, "-") in (
        f"{float(wording.number(b)) - float(wording.number(a)):+.1f}",
        f"{float(wording.number(b)) - float(wording.number(a)):.1f}",
    )
    assert wording.shown_gap(b, a) == -gap or gap == 0


@pytest.mark.parametrize("before, after, text", [
    (4.3, 3.5, f"4.3 → 3.5 ↓ {MINUS}0.8"),
    (3.41, 3.44, "3.4 → 3.4 = 0.0"),  # no visible move: no up or down arrow
    (2.0, 2.96, "2.0 → 3.0 ↑ +1.0"),
    (None, 3.0, "– → 3.0"),
    (None, None, "–"),
])
def test_a_mean_moves(before, after, text):
    assert wording.move(before, after) == text


@pytest.mark.parametrize("before, after, text", [
    (-1.0, -2.0, f"{MINUS}1.0 → {MINUS}2.0 wider by 1.0"),  # widening reads the same in every output
    (-2.0, -1.0, f"{MINUS}2.0 → {MINUS}1.0 narrower by 1.0"),
    (-1.0, 0.2, f"{MINUS}1.0 → +0.2 narrower by 0.8, reversed"),
    (1.0, 1.04, "+1.0 → +1.0 same"),
])
def test_a_gap_moves(before, after, text):
    assert wording.move(before, after, gap=True) == text


@pytest.mark.parametrize("seconds, text", [(30, "30 s"), (60, "1 min"), (150, "2 min 30 s"), (0, "0 s")])
def test_duration(seconds, text):
    assert wording.duration(seconds) == text


def test_plural():
    assert wording.plural(1, "ballot") == "1 ballot"
    assert wording.plural(3, "ballot") == "3 ballots"
    assert wording.plural(2, "principle") == "2 principles"


def test_a_compared_gap_is_the_difference_of_each_sessions_shown_means():
    from workshop.analytics import GroupChange, PrincipleChange

    # Then Council 4.667 and VCS 1.333 show as 4.7 and 1.3: the gap shown is −3.4, not the −3.3 of −3.333.
    change = PrincipleChange(principle=None, wording_changed=False,
                             groups={"council": GroupChange("council", 4.667, 3.44),
                                     "vcs": GroupChange("vcs", 1.333, 1.75)},
                             gap_before=-3.334, gap_after=-1.69)
    assert wording.change_gaps(change, ("council", "vcs")) == (-3.4, -1.6)
    assert wording.move(*wording.change_gaps(change, ("council", "vcs")), gap=True) == \
        f"{MINUS}3.4 → {MINUS}1.6 narrower by 1.8"
    other = PrincipleChange(None, False, change.groups, None, None)  # the sessions compared other groups
    assert wording.change_gaps(other, ("council", "vcs")) == (None, None)
    assert wording.change_gaps(change, ("council",)) == (None, None)


def test_a_trend_point_gap_is_the_difference_of_its_shown_means():
    from workshop.analytics import TrendPoint

    point = TrendPoint("s1", "2026-12-03", {"council": 3.44, "vcs": 1.75, "health": 4.0}, -1.69)
    assert wording.point_gap(point, ("council", "vcs")) == -1.6
    assert wording.point_gap(point, ("council", "health")) == 0.6
    assert wording.point_gap(TrendPoint("s2", "2026-12-04", {}, None, asked=False), ("council", "vcs")) is None


@pytest.mark.parametrize("before, after, gap, parts", [
    (-1.0, -2.0, True, (f"{MINUS}1.0 → {MINUS}2.0", "wider by 1.0")),
    (-1.0, 0.2, True, (f"{MINUS}1.0 → +0.2", "narrower by 0.8, reversed")),
    (4.3, 3.5, False, ("4.3 → 3.5", f"↓ {MINUS}0.8")),
    (None, 3.0, False, ("– → 3.0", "")),
    (None, None, True, ("–", "")),
])
def test_a_move_in_two_parts_reads_as_the_whole(before, after, gap, parts):
    assert wording.move_parts(before, after, gap=gap) == parts
    assert " ".join(p for p in parts if p) == wording.move(before, after, gap=gap)


@pytest.mark.parametrize("name, words", [
    ("VCS", "VCS rates this 1.0 lower than Council"),
    ("Health partners", "Health partners rate this 1.0 lower than Council"),
    ("NHS", "NHS rates this 1.0 lower than Council"),
    ("Police", "Police rates this 1.0 lower than Council"),
])
def test_gap_words_agree_with_the_group_name(name, words):
    assert wording.gap_words(3.0, 2.0, "Council", name) == words


def test_the_gap_is_named_second_group_minus_first_as_every_heading_says():
    from types import SimpleNamespace

    from workshop.wording import pair_label

    names = {"council": "Council", "vcs": "VCS"}
    assert MINUS == "−"  # a true minus sign, as the reports print it
    assert pair_label(("council", "vcs"), names) == "VCS − Council"
    assert pair_label(("vcs", "council"), names) == "Council − VCS"
    assert pair_label(SimpleNamespace(pair=("council", "nhs")), names) == "nhs − Council"  # unnamed: its id
    assert pair_label(("council",), names) == "" and pair_label((), names) == ""


@pytest.mark.parametrize("kwargs, words", [
    (dict(n=4, dont_know=0, mean=3.8, actual=1.5), "Council expected VCS to rate this 3.8; VCS rated it 1.5"),
    (dict(n=0, dont_know=2, mean=None, actual=1.5), "Council could not say how VCS rates this (2 don't knows)"),
    (dict(n=0, dont_know=1, mean=None, actual=1.5), "Council could not say how VCS rates this (1 don't know)"),
    (dict(n=0, dont_know=0, mean=None, actual=1.5), "No predictions from Council of how VCS rates this"),
    (dict(n=2, dont_know=0, mean=None, actual=1.5, suppressed=True), "Council's predictions of VCS: too few to show"),
    (dict(n=4, dont_know=0, mean=3.8, actual=None, actual_suppressed=True),
     "Council expected VCS to rate this 3.8; VCS's own rating: too few to show"),
    (dict(n=4, dont_know=0, mean=3.8, actual=None), "Council expected VCS to rate this 3.8; VCS's own rating: no scores yet"),
])
def test_a_perception_in_words(kwargs, words):
    from workshop.perception import Perception

    assert wording.perception_words(Perception("council", "vcs", **kwargs), {"council": "Council", "vcs": "VCS"}) == words


def test_a_gap_that_cannot_be_shown_says_why():
    from collections import Counter

    from workshop.analytics import principle_result
    from workshop.model import Group, Plan, Principle, Scale
    import datetime as dt

    principle = Principle("p1", "The council listens.", "voice", "council")
    plan = Plan(title="T", date=dt.date(2026, 1, 1), groups=(Group("council", "Council"), Group("vcs", "VCS")),
                scale=Scale(1, 5), principles=(principle,), min_group_size=3)
    names = {"council": "Council", "vcs": "VCS"}

    def said(council, vcs):
        tallies = {("p1", "council"): Counter(council), ("p1", "vcs"): Counter(vcs)}
        return wording.result_gap_words(principle_result(principle, (), plan, tallies), names)

    assert said([4, 4, 5], []) == "No gap: no scores from VCS yet"
    assert said([], []) == "No gap: no scores from Council or VCS yet"
    assert said([4, 4, 5], [2]) == "No gap: VCS has too few scores to show"
    assert said([4, 4, 5], [2, 2, 1]) == "VCS rates this 2.6 lower than Council"  # 4.3 and 1.7 as shown
