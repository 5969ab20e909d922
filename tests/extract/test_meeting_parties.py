"""Who met whom when the meeting is a noun: the setting of a clause, the object of "hold", or
the subject of "were held between" (issue 11, meetsWith). Rules alone (``Models()``); each
sentence is hand-written, with made-up people."""

from __future__ import annotations

import pytest

from kg.records import Extraction

pytestmark = pytest.mark.slow


def met(ex: Extraction) -> set[frozenset[str]]:
    names = {e.key: e.label for e in ex.entities}
    return {
        frozenset((names[r.subject], names[r.object]))
        for r in ex.relations
        if r.predicate == "meetsWith"
    }


def test_the_speaker_of_a_clause_set_in_a_meeting_meets_its_other_party(rules_alone) -> None:
    ex = rules_alone(
        "Australian Defence Minister Peter Hall made the comment during a formal bilateral "
        "meeting with Philippine Defense Secretary Juan Cruz.",
    )
    assert met(ex) == {frozenset({"Peter Hall", "Juan Cruz"})}


def test_the_subjects_of_a_clause_set_in_a_meeting_meet_each_other(rules_alone) -> None:
    ex = rules_alone(
        "In a meeting in Hawaii in May, Juan Cruz, Peter Hall and Japanese Defense Minister "
        "Ken Sato agreed to strengthen their cooperation.",
    )
    assert met(ex) == {
        frozenset({"Juan Cruz", "Peter Hall"}),
        frozenset({"Juan Cruz", "Ken Sato"}),
        frozenset({"Peter Hall", "Ken Sato"}),
    }


def test_the_two_subjects_of_held_talks_meet(rules_alone) -> None:
    ex = rules_alone("Juan Cruz and Peter Hall held talks in Canberra on Friday.")
    assert met(ex) == {frozenset({"Juan Cruz", "Peter Hall"})}


def test_talks_held_between_two_forces_are_a_meeting_of_both(rules_alone) -> None:
    ex = rules_alone("Talks were held between the Guyana Defence Force and the U.S. Army today.")
    assert met(ex) == {frozenset({"Guyana Defence Force", "U.S. Army"})}


def test_one_subject_in_a_meeting_meets_no_one(rules_alone) -> None:
    ex = rules_alone("In a meeting in Lima on Monday, Juan Cruz announced a new budget.")
    assert met(ex) == set()


def test_a_meeting_with_a_body_s_titled_officer_is_a_meeting_with_the_officer(rules_alone) -> None:
    ex = rules_alone(
        "Defence Minister Peter Hall spoke after a meeting with Ministry of Defence Secretary "
        "Juan Cruz in Lima.",
    )
    assert met(ex) == {frozenset({"Peter Hall", "Juan Cruz"})}
