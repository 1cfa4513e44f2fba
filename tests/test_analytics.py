"""Results arithmetic: statistics, gaps, flags, suppression and comparison, by tables and properties."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop import analytics, wording
from workshop.analytics import (
    BLIND_SPOT,
    SHARED_CONCERN,
    SHARED_STRENGTH,
    SPLIT,
    THIN,
    compare,
    pairs,
    results,
    stats_from_tally,
)
from workshop.model import Ballot, Group, Plan, Principle, Scale
from workshop.wording import result_gap_words

FIVE = Scale(1, 5)


def group_stats(group, scores, scale, min_group_size=1):
    """One group's statistics from its scores as listed (None: don't know), through the tally results use."""
    return stats_from_tally(group, Counter(scores), scale, min_group_size)


ELEVEN = Scale(0, 10, {0: "Not at all", 10: "Completely"})
P1 = Principle("p1", "The council listens.", "voice", "council")
P2 = Principle("p2", "The VCS speaks up.", "voice", "vcs")
NAMES = {"council": "Council", "vcs": "VCS", "health": "Health partners"}


def make_plan(scale=FIVE, min_group_size=1, groups=("council", "vcs"), principles=(P1,)) -> Plan:
    return Plan(title="T", date=dt.date(2026, 1, 1), groups=tuple(Group(g, g.upper()) for g in groups),
                scale=scale, principles=tuple(principles), min_group_size=min_group_size)


def ballots(principle: str, group: str, scores) -> list[Ballot]:
    return [Ballot(principle, group, s) for s in scores]


@pytest.mark.parametrize("scores, n, dk, mean, median, sd, counts", [
    ([3], 1, 0, 3.0, 3.0, 0.0, {1: 0, 2: 0, 3: 1, 4: 0, 5: 0}),
    ([1, 2, 3, 4], 4, 0, 2.5, 2.5, math.sqrt(1.25), {1: 1, 2: 1, 3: 1, 4: 1, 5: 0}),
    ([5, 5, None, 1], 3, 1, 11 / 3, 5.0, math.sqrt(32 / 9), {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}),
    ([None, None], 0, 2, None, None, None, {}),
    ([], 0, 0, None, None, None, {}),
])
def test_group_stats(scores, n, dk, mean, median, sd, counts):
    s = group_stats("vcs", scores, FIVE)
    assert (s.n, s.dont_know, s.counts) == (n, dk, counts)
    for got, want in ((s.mean, mean), (s.median, median), (s.sd, sd)):
        assert got == pytest.approx(want) if want is not None else got is None


@pytest.mark.parametrize("scores, min_size, suppressed", [
    ([4, 4], 3, True),            # two scores: a mean would expose them
    ([4, 4, None], 3, True),      # a don't know does not make the scores safe to show
    ([4, 4, 5], 3, False),
    ([], 3, False),               # nothing to suppress
    ([2], 1, False),
])
def test_suppression_below_min_group_size(scores, min_size, suppressed):
    s = group_stats("vcs", scores, FIVE, min_size)
    assert s.suppressed is suppressed
    if suppressed:
        assert s.mean is None and s.median is None and s.sd is None and s.counts == {}
        assert s.n == len([x for x in scores if x is not None])


# Flags on a 1-5 scale (range 4): blind spot |gap| >= 1; strength both >= 4; concern both <= 2.6;
# split sd >= 1.4 with 3+ scores; thin < 3 scores or more don't knows than scores.
@pytest.mark.parametrize("council, vcs, expected", [
    ([4, 4, 4], [3, 3, 3], (BLIND_SPOT,)),
    ([4, 4, 4], [3, 3, 4], ()),                          # gap 0.67 < 1
    ([5, 4, 4], [4, 4, 4], (SHARED_STRENGTH,)),
    ([2, 2, 3], [2, 2, 2], (SHARED_CONCERN,)),
    ([3, 3, 3], [1, 1, 5, 5], (SPLIT,)),                 # same mean, but the VCS is divided
    ([5, 5, 5], [1, 1, 5, 5], (BLIND_SPOT, SPLIT)),
    ([4, 4], [1, 1, 1], (THIN,)),                        # council has only two scores: no blind spot
    ([4, 4, 4, None, None, None, None], [4, 4, 4], (SHARED_STRENGTH, THIN)),
])
def test_flags_on_five_point_scale(council, vcs, expected):
    plan = make_plan()
    r = results(plan, ballots("p1", "council", council) + ballots("p1", "vcs", vcs))[0]
    assert r.flags == expected


# Exactly at each bound, and just past it: the facilitator's flags include their thresholds.
@pytest.mark.parametrize("scale, council, vcs, expected", [
    (FIVE, [4, 4, 4], [3, 3, 3], (BLIND_SPOT,)),                    # gap exactly a quarter of the range
    (FIVE, [4, 4, 4, 4], [3, 3, 3, 4], ()),                          # gap 0.75
    (FIVE, [4, 4, 4], [4, 4, 4], (SHARED_STRENGTH,)),                # both means exactly at 4
    (FIVE, [4, 4, 4], [4, 4, 3], ()),                                # one of them just below
    (FIVE, [2, 3, 3, 3, 2], [3, 3, 2, 2, 3], (SHARED_CONCERN,)),     # both means exactly 2.6
    (FIVE, [2, 3, 3, 3, 2], [3, 3, 2, 3, 3], ()),                    # one of them 2.8
    (ELEVEN, [3, 3, 10, 10], [6, 7, 6, 7], (SPLIT,)),                # sd exactly 3.5, 35% of 0-10
    (ELEVEN, [4, 4, 10, 10], [6, 7, 6, 7], ()),                      # sd 3
    (FIVE, [1, 5], [3, 3, 3], (THIN,)),                              # two scores make no split
    (FIVE, [3, 3, 3, None, None, None], [3, 3, 3], ()),              # as many don't knows as scores
    (FIVE, [3, 3, 3, None, None, None, None], [3, 3, 3], (THIN,)),   # more don't knows than scores
    (FIVE, [3, 3, 3], [3, 3, None], (THIN,)),                        # three ballots, two scores
    (FIVE, [4, 4, None], [1, 1, 1], (THIN,)),                        # no blind spot from two scores
])
def test_flags_at_their_thresholds(scale, council, vcs, expected):
    plan = make_plan(scale=scale)
    r = results(plan, ballots("p1", "council", council) + ballots("p1", "vcs", vcs))[0]
    assert r.flags == expected


@pytest.mark.parametrize("council, vcs, expected", [
    ([8, 8, 8], [5, 5, 5], (BLIND_SPOT,)),               # range 10: blind spot at 2.5
    ([8, 8, 8], [6, 6, 6], ()),
    ([8, 9, 10], [9, 9, 8], (SHARED_STRENGTH,)),         # top quarter: >= 7.5
    ([4, 3, 4], [2, 3, 4], (SHARED_CONCERN,)),           # bottom 40%: <= 4
])
def test_flags_relative_to_any_scale(council, vcs, expected):
    plan = make_plan(scale=ELEVEN)
    r = results(plan, ballots("p1", "council", council) + ballots("p1", "vcs", vcs))[0]
    assert r.flags == expected


def test_gap_is_second_group_minus_first():
    plan = make_plan()
    r = results(plan, ballots("p1", "council", [4, 4, 5]) + ballots("p1", "vcs", [2, 3, 2]))[0]
    assert r.gap == pytest.approx(7 / 3 - 13 / 3)
    assert result_gap_words(r, NAMES) == "VCS rates this 2.0 lower than Council"


def test_flags_are_about_the_compared_pair_only():
    """A third group with one score makes nothing thin, and its spread splits nothing."""
    plan = make_plan(groups=("council", "vcs", "health"))
    votes = ballots("p1", "council", [4, 4, 4, 4]) + ballots("p1", "vcs", [2, 2, 2, 2]) + ballots("p1", "health", [1])
    r = results(plan, votes)[0]
    assert r.pair == ("council", "vcs") and r.flags == (BLIND_SPOT,)
    r = results(plan, ballots("p1", "council", [3, 3, 3]) + ballots("p1", "vcs", [3, 3, 3])
                + ballots("p1", "health", [1, 5, 1, 5]))[0]
    assert SPLIT not in r.flags and THIN not in r.flags


def test_the_gap_can_be_between_any_pair():
    plan = make_plan(groups=("council", "vcs", "health"))
    votes = ballots("p1", "council", [4, 4, 4]) + ballots("p1", "vcs", [2, 2, 2]) + ballots("p1", "health", [1])
    r = results(plan, votes, pair=("vcs", "health"))[0]
    assert r.pair == ("vcs", "health") and r.gap == pytest.approx(-1.0) and THIN in r.flags
    r = results(plan, votes, pair=("health", "council"))[0]
    assert r.gap == pytest.approx(3.0)
    assert pairs(plan) == [("council", "vcs"), ("council", "health"), ("vcs", "health")]
    suppressed = make_plan(groups=("council", "vcs", "health"), min_group_size=2)
    r = results(suppressed, votes, pair=("vcs", "health"))[0]
    assert r.gap is None and result_gap_words(r, NAMES) == "No gap: Health partners have too few scores to show"
    r = results(suppressed, ballots("p1", "council", [4, 4]), pair=("council", "health"))[0]
    assert result_gap_words(r, NAMES) == "No gap: no scores from Health partners yet"


def test_gap_is_none_when_a_group_is_suppressed():
    plan = make_plan(min_group_size=3)
    r = results(plan, ballots("p1", "council", [4, 4, 5]) + ballots("p1", "vcs", [1, 1]))[0]
    assert r.groups["vcs"].suppressed and r.gap is None
    assert BLIND_SPOT not in r.flags and THIN in r.flags


def test_results_keep_plan_order_and_ignore_foreign_ballots():
    plan = make_plan(principles=(P2, P1))
    rs = results(plan, ballots("p1", "council", [1]) + ballots("zz", "vcs", [5]) + ballots("p2", "health", [3]))
    assert [r.principle.id for r in rs] == ["p2", "p1"]
    assert rs[1].groups["council"].n == 1 and rs[0].groups["council"].n == 0


def test_compare_matches_principles_by_id_and_marks_changed_wording():
    before_plan = make_plan(principles=(P1, P2))
    reworded = Principle("p1", "The council really listens.", "voice", "council")
    after_plan = make_plan(principles=(reworded,))
    before = results(before_plan, ballots("p1", "council", [4, 4, 4]) + ballots("p1", "vcs", [2, 2, 2]))
    after = results(after_plan, ballots("p1", "council", [4, 4, 4]) + ballots("p1", "vcs", [3, 3, 3]))
    [change] = compare(before, after, ["council", "vcs"], ["council", "vcs"])
    assert change.principle.id == "p1" and change.wording_changed
    assert change.groups["vcs"].change == pytest.approx(1.0)
    assert change.groups["council"].change == pytest.approx(0.0)
    assert (change.gap_before, change.gap_after, change.gap_change) == (-2.0, -1.0, 1.0)


def test_compare_gives_no_gap_change_when_the_pair_differs():
    a = results(make_plan(), ballots("p1", "council", [4]) + ballots("p1", "vcs", [2]))
    b = results(make_plan(groups=("vcs", "council")), ballots("p1", "council", [4]) + ballots("p1", "vcs", [2]))
    [change] = compare(a, b, ["council", "vcs"], ["vcs", "council"])
    assert change.gap_change is None
    assert change.groups["vcs"].change == 0


# --- properties -----------------------------------------------------------------------------

scores_1_5 = st.lists(st.one_of(st.integers(1, 5), st.none()), max_size=30)


@given(scores_1_5, scores_1_5)
def test_gap_is_antisymmetric(a, b):
    forward = make_plan(groups=("council", "vcs"))
    backward = make_plan(groups=("vcs", "council"))
    bs = ballots("p1", "council", a) + ballots("p1", "vcs", b)
    g1 = results(forward, bs)[0].gap
    g2 = results(backward, bs)[0].gap
    assert (g1 is None and g2 is None) or g1 == pytest.approx(-g2)


@given(scores_1_5, st.integers(1, 5))
def test_a_dont_know_never_moves_a_mean(scores, extra_dk):
    before = group_stats("vcs", scores, FIVE)
    after = group_stats("vcs", scores + [None] * extra_dk, FIVE)
    assert after.mean == before.mean and after.median == before.median and after.n == before.n
    assert after.dont_know == before.dont_know + extra_dk


@given(st.lists(st.integers(0, 10), min_size=1, max_size=40))
def test_stats_stay_on_the_scale(scores):
    s = group_stats("g", scores, ELEVEN)
    assert 0 <= s.mean <= 10 and 0 <= s.median <= 10 and 0 <= s.sd <= 5
    assert sum(s.counts.values()) == s.n == len(scores)


@given(st.lists(st.integers(1, 5), max_size=20), st.lists(st.integers(1, 5), max_size=20))
def test_flags_are_known_and_exclusive_where_they_must_be(a, b):
    r = results(make_plan(), ballots("p1", "council", a) + ballots("p1", "vcs", b))[0]
    assert set(r.flags) <= set(analytics.FLAGS)
    assert not {SHARED_STRENGTH, SHARED_CONCERN} <= set(r.flags)


@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_stats_from_counts_agree_with_the_statistics_module(scores):
    import statistics

    s = group_stats("g", scores, ELEVEN)
    assert s.mean == pytest.approx(statistics.fmean(scores))
    assert s.median == pytest.approx(statistics.median(scores))
    assert s.sd == pytest.approx(statistics.pstdev(scores), abs=1e-9)


# --- edges the facilitator relies on (each found by mutation testing) ------------------------

def stats_of(group, scores, scale=FIVE):
    return group_stats(group, scores, scale)


def test_flags_look_at_the_first_two_groups_given_and_survive_one_alone():
    council, vcs, health = stats_of("council", [3, 3, 3]), stats_of("vcs", [3, 3, 3]), stats_of("health", [1])
    assert analytics.flags([council, vcs, health], FIVE) == ()  # health's single score makes nothing thin
    assert analytics.flags([council], FIVE) == ()
    assert analytics.gap(council, None) is None and analytics.gap(None, vcs) is None
    assert council.group == "council" and council.ballots == 3


def test_three_scores_are_enough_for_a_split():
    r = results(make_plan(), ballots("p1", "council", [1, 1, 5]) + ballots("p1", "vcs", [3, 3, 3]))[0]
    assert r.flags == (SPLIT,)


def test_a_pair_naming_a_group_the_session_lacks_has_no_gap_and_no_flags():
    r = results(make_plan(), ballots("p1", "council", [5, 5, 5]) + ballots("p1", "vcs", [1, 1, 1]),
                pair=("council", "health"))[0]
    assert (r.gap, r.flags, r.pair) == (None, (), ("council", "health"))


def test_compare_skips_principles_new_in_the_later_session_and_goes_on():
    before = results(make_plan(principles=(P1,)), ballots("p1", "council", [2, 2, 2]) + ballots("p1", "vcs", [4, 4, 4]))
    after = results(make_plan(principles=(P2, P1)), ballots("p1", "council", [3, 3, 3]) + ballots("p1", "vcs", [4, 4, 4]))
    [change] = compare(before, after, ["council", "vcs"], ["council", "vcs"])
    assert change.principle.id == "p1" and not change.wording_changed
    assert change.groups["council"] == analytics.GroupChange("council", 2.0, 3.0)


def test_compare_keeps_no_gap_on_either_side_when_the_pair_differs():
    votes = ballots("p1", "council", [4]) + ballots("p1", "vcs", [2])
    a = results(make_plan(), votes)
    b = results(make_plan(groups=("vcs", "council")), votes)
    [change] = compare(a, b, ["council", "vcs"], ["vcs", "council"])
    assert (change.gap_before, change.gap_after) == (None, None)


def test_principles_that_did_not_move_measurably_sort_after_any_that_moved():
    def change(pid, before, after):
        return analytics.PrincipleChange(Principle(pid, "s", "voice", "both"), False,
                                         {"vcs": analytics.GroupChange("vcs", before, after)}, None, None)

    unknown, small, big = change("unknown", None, 3.0), change("small", 3.0, 3.5), change("big", 4.0, 2.0)
    assert [c.principle.id for c in analytics.sort_by_change([unknown, small, big])] == ["big", "small", "unknown"]
    assert analytics.biggest_change(unknown) < 0 <= analytics.biggest_change(change("still", 3.0, 3.0))


def test_a_trend_draws_gaps_only_for_sessions_comparing_the_latest_pair():
    votes = ballots("p1", "council", [4, 4, 4]) + ballots("p1", "vcs", [2, 2, 2])
    pair_then, pair_now = ("council", "vcs"), ("vcs", "council")
    sessions = [(f"s{i}", f"202{i}-01-01", groups, results(make_plan(groups=groups), votes))
                for i, groups in ((4, pair_then), (5, pair_then), (6, pair_now))]
    [line] = analytics.trend(list(reversed(sessions)))  # given in any order, drawn oldest first
    assert [(p.session_id, p.date) for p in line.points] == [("s4", "2024-01-01"), ("s5", "2025-01-01"),
                                                               ("s6", "2026-01-01")]
    assert line.gaps == [None, None, 2.0]
    assert line.points[0].means == {"council": 4.0, "vcs": 2.0}


def test_a_sparkline_keeps_values_off_its_range_on_the_ends():
    assert analytics.sparkline([0, 1, 3, 5, 6, None], 1, 5) == "▁▁▅██·"


# --- the gap and its moves in words (the rules every screen and report share) -----------------

@pytest.mark.parametrize("before, after, words", [
    (-1.0, -2.0, "wider"),
    (2.0, 0.5, "narrower"),
    (1.0, -1.0, "same, reversed"),
    (-0.5, 1.0, "wider, reversed"),
    (0.0, -1.0, "wider"),            # from no gap: nothing to reverse
    (1.0, 0.0, "narrower"),          # closed, not reversed
    (0.5, 1.0, "wider"),
    (None, 1.0, ""),
    (1.0, None, ""),
])
def test_how_a_gap_moved(before, after, words):
    assert wording.gap_move(before, after) == words


def test_gap_words_name_groups_the_plan_does_not_name_by_their_id():
    plan = make_plan(groups=("council", "health"))
    r = results(plan, ballots("p1", "council", [4, 4, 4]) + ballots("p1", "health", [2, 2, 2]))[0]
    assert result_gap_words(r, {"council": "Council"}) == "health rates this 2.0 lower than Council"
    assert result_gap_words(r, {"health": "Health"}) == "Health rates this 2.0 lower than council"
    lonely = dataclasses.replace(r, pair=("council",))
    assert result_gap_words(lonely, NAMES) == "No gap to show"


def test_gap_words_say_when_both_sides_have_too_few_scores():
    plan = make_plan(min_group_size=3)
    r = results(plan, ballots("p1", "council", [4]) + ballots("p1", "vcs", [2, 2]))[0]
    assert result_gap_words(r, NAMES) == "No gap: Council and VCS have too few scores to show"
    assert result_gap_words(r, {}) == "No gap: council and vcs have too few scores to show"


def test_whose_behaviour_and_who_can_answer():
    local = Principle("l1", "Parish councils share plans.", "local", "parish")
    assert wording.about(P1) == "about the council" and wording.about(local) == "about parish"
    only_vcs = dataclasses.replace(P2, who_can_answer="vcs")
    assert wording.answered_by(only_vcs, NAMES) == "for VCS to answer"
    assert wording.answered_by(only_vcs, {}) == "for the VCS to answer"
    assert wording.answered_by(dataclasses.replace(P2, who_can_answer="parish"), {}) == "for parish to answer"
    assert wording.answered_by(P2, NAMES) == ""


def test_compared_and_trend_gaps_need_both_groups_of_the_pair():
    change = analytics.PrincipleChange(P1, False, {"vcs": analytics.GroupChange("vcs", 2.0, 3.0)}, -1.0, -0.5)
    assert wording.change_gaps(change, ("council", "vcs")) == (None, None)
    assert wording.change_gaps(change, ("vcs", "council")) == (None, None)
    point = analytics.TrendPoint("s1", "2026-01-01", {"council": 4.0, "vcs": 2.0}, None)
    assert wording.point_gap(point, ("council", "vcs")) is None
    assert wording.point_gap(dataclasses.replace(point, gap=-2.0), ("council", "vcs")) == pytest.approx(-2.0)


@pytest.mark.parametrize("scores", [[4, 4], [4, 4, 4], [4, 4, 4, 4]])
def test_a_group_too_small_to_show_is_thin_however_many_scores_it_had(scores):
    """With min_group_size 5, the flags must not tell two scores from four: both are just too few."""
    scale = Scale(1, 5)
    shown = stats_from_tally("council", {4: 6}, scale, 5)
    hidden = stats_from_tally("vcs", {s: scores.count(s) for s in set(scores)}, scale, 5)
    assert hidden.suppressed and THIN in analytics.flags([shown, hidden], scale)


# --- trends over sessions ----------------------------------------------------------------------

@pytest.mark.parametrize(("means", "groups", "gap"), [
    ({"council": 3.0, "vcs": 1.5}, ("council", "vcs"), -1.5),      # the second group's mean minus the first's
    ({"council": 3.0, "vcs": 1.5}, ("vcs", "council"), 1.5),
    ({"council": 3.0, "vcs": 1.5, "health": 4.0}, ("council", "health", "vcs"), 1.0),  # the first two only
    ({"council": 3.0, "vcs": None}, ("council", "vcs"), None),     # too few to show: no gap
    ({"council": 3.0}, ("council",), None),                         # one group: nothing to compare
])
def test_a_sessions_gap_is_its_second_group_minus_its_first(means, groups, gap):
    from workshop.analytics import session_gap

    assert session_gap(means, groups) == (pytest.approx(gap) if gap is not None else None)


def test_a_trend_runs_oldest_first_and_marks_the_sessions_that_did_not_ask():
    """Sessions given in any order come out by date; a principle a session left out gets a point
    of its own there (not asked, no means, no gap), so every line has one point per session."""
    from workshop.analytics import trend_of_means

    sessions = [
        ("s2026", "2026-06-01", ("council", "vcs"), {"p1": ({"council": 3.0, "vcs": 2.0}, -1.0)}),
        ("s2024", "2024-06-01", ("council", "vcs"), {"p1": ({"council": 2.0, "vcs": 2.5}, 0.5),
                                                     "p2": ({"council": 4.0, "vcs": 4.0}, 0.0)}),
        ("s2025", "2025-06-01", ("council", "vcs"), {"p1": ({"council": 2.5, "vcs": 2.0}, -0.5)}),
    ]
    lines = {t.principle.id: t for t in trend_of_means(sessions, {"p1": P1, "p2": P2}.__getitem__)}
    assert [(p.session_id, p.date, p.gap, p.asked) for p in lines["p1"].points] == [
        ("s2024", "2024-06-01", 0.5, True), ("s2025", "2025-06-01", -0.5, True), ("s2026", "2026-06-01", -1.0, True)]
    assert [(p.session_id, p.date, p.means, p.gap, p.asked) for p in lines["p2"].points] == [
        ("s2024", "2024-06-01", {"council": 4.0, "vcs": 4.0}, 0.0, True),
        ("s2025", "2025-06-01", {}, None, False), ("s2026", "2026-06-01", {}, None, False)]


def test_a_sparkline_spans_its_range_with_eight_heights():
    from workshop.analytics import sparkline

    assert sparkline([1.0, 2.0, 3.0, 4.0, 5.0, None], 1.0, 5.0) == "▁▃▅▆█·"
    assert sparkline([0.0, -2.0, 2.0], -2.0, 2.0) == "▅▁█"
    assert sparkline([3.0, 3.0], 3.0, 3.0) == "▁▁"  # no range: the lowest block, never a division by zero


def test_the_biggest_change_comes_first_and_a_principle_that_could_not_move_comes_last():
    from workshop.analytics import GroupChange, PrincipleChange, sort_by_change

    def change(pid, gap_change, *group_changes):
        groups = {f"g{i}": GroupChange(f"g{i}", 2.0, 2.0 + c) for i, c in enumerate(group_changes)}
        before, after = (1.0, 1.0 + gap_change) if gap_change is not None else (None, None)
        return PrincipleChange(Principle(pid, pid, "voice", "council"), False, groups, before, after)

    ordered = sort_by_change([change("none", None), change("small", -0.2), change("group", None, 0.5, -0.9),
                              change("big", 1.5)])
    assert [c.principle.id for c in ordered] == ["big", "group", "small", "none"]
