"""Rules that need no database: the hash chain, the milestone workflow, handling codes, kinds of person."""

import datetime as dt

import pytest

from chassis.hash_chain import GENESIS_HASH
from chassis.problems import Conflict, Forbidden, ValidationFailed
from joint_action_service.access_log.service import ACCESS_LOG
from joint_action_service.cases.models import CASE_WORKFLOW
from joint_action_service.expert_support.service import _progress
from joint_action_service.handling import release
from joint_action_service.items.models import InformationItem
from joint_action_service.persons.schemas import kind_errors

AT = dt.datetime(2026, 11, 22, 10, 30, 15, 123000, tzinfo=dt.UTC)


def make_chain(length: int) -> list[dict]:
    entries, previous = [], GENESIS_HASH
    for seq in range(1, length + 1):
        content = {"chain": "c1", "seq": seq, "at": AT, "actor": "u1", "actor_tenant": "THA", "action": "read",
                   "record_type": "case", "record_id": "c1", "case_id": "c1", "detail": ""}
        entry = {**content, "prev_hash": previous, "hash": ACCESS_LOG.chain_hash(previous, content)}
        entries.append(entry)
        previous = entry["hash"]
    return entries


def head_of(entries: list[dict]) -> dict:
    return {"_id": "c1", "seq": entries[-1]["seq"], "hash": entries[-1]["hash"]}


def test_an_intact_chain_has_no_broken_link():
    entries = make_chain(4)
    assert ACCESS_LOG.first_broken_link("c1", head_of(entries), entries) == (None, 4)


def test_the_first_broken_link_is_reported():
    entries = make_chain(5)
    head = head_of(entries)
    altered = [*entries[:1], {**entries[1], "actor": "intruder"}, *entries[2:]]
    assert ACCESS_LOG.first_broken_link("c1", head, altered)[0].seq == 2
    assert "missing" in ACCESS_LOG.first_broken_link("c1", head, entries[:2] + entries[3:])[0].reason
    assert ACCESS_LOG.first_broken_link("c1", head, entries[:-1])[0].seq == 5
    assert "head is missing" in ACCESS_LOG.first_broken_link("c1", None, entries)[0].reason


def test_the_hash_covers_the_moment_to_the_millisecond_only():
    [entry] = make_chain(1)
    assert ACCESS_LOG.chain_hash(GENESIS_HASH, {**entry, "at": AT.replace(microsecond=123456)}) == entry["hash"]
    assert ACCESS_LOG.chain_hash(GENESIS_HASH, {**entry, "at": AT.replace(microsecond=124000)}) != entry["hash"]


def test_milestones_run_in_order_and_any_open_case_may_close():
    assert CASE_WORKFLOW.allowed_next("intelligence") == ["closed", "investigation"]
    assert CASE_WORKFLOW.allowed_next("prosecution") == ["acquitted", "closed", "convicted"]
    assert all("closed" in CASE_WORKFLOW.allowed_next(state) for state in CASE_WORKFLOW.states if state != "closed")
    assert CASE_WORKFLOW.allowed_next("closed") == []


def item(handling_code: str, released_to=()) -> InformationItem:
    return InformationItem(tenant="MYS", handling_code=handling_code, released_to=list(released_to))


@pytest.mark.parametrize(("handling_code", "caller", "outcome"), [
    ("releasable_to_participants", "MYS", ["IDN"]),
    ("releasable_to_participants", "THA", ["IDN"]),
    ("originator_approval", "MYS", ["IDN"]),
    ("originator_approval", "THA", Forbidden),
    ("lead_only", "MYS", Conflict),
])
def test_who_may_release_a_record_depends_on_its_handling_code(handling_code, caller, outcome):
    record = item(handling_code, released_to=["THA"])

    def act():
        return release(record, caller_tenant=caller, lead_tenant="THA", tenants=["IDN"],
                       case_participants=["THA", "IDN", "MYS"])

    if isinstance(outcome, list):
        assert act() == outcome and record.released_to == ["THA", "IDN"]
    else:
        with pytest.raises(outcome):
            act()


def test_a_record_is_released_only_to_participants_of_its_case():
    with pytest.raises(ValidationFailed):
        release(item("releasable_to_participants", ["THA"]), caller_tenant="MYS", lead_tenant="THA",
                tenants=["PHL"], case_participants=["THA", "MYS"])


def test_suspects_and_victims_take_their_own_fields():
    assert kind_errors("suspect", {}, creating=True) == {
        "network_role": ["A suspect's role in the network is required"]}
    assert kind_errors("suspect", {"network_role": "recruiter", "rescued_on": "x"}, creating=True) == {
        "rescued_on": ["Only for victims"]}
    assert kind_errors("victim", {"network_role": "recruiter"}, creating=True) == {
        "network_role": ["Only for suspects"]}
    assert kind_errors("suspect", {}, creating=False) == {}


def test_a_deployment_only_moves_forward():
    assert _progress("accepted") < _progress("deployed") < _progress("completed") == _progress("cancelled")
