"""The joint-action pages' own small parts: the charts' geometry, the page's handling codes, the chain check."""

import copy
import datetime as dt

from joint_action_service.access_log.service import chain_hash
from portal.joint_action import words
from portal.joint_action.pages import verify_chain


def test_bars_are_scaled_to_the_largest_value_and_a_chart_of_zeros_draws_none():
    drawn = words.bars({"arrests": 4, "charges": 2, "convictions": 0}, words.METRIC_NAMES)
    assert [(bar.value, bar.width) for bar in drawn] == [(4, 1.0), (2, 0.5), (0, 0.0)]
    assert [bar.y for bar in drawn] == [0, 32, 64]
    assert all(bar.width == 0 for bar in words.bars({"arrests": 0}, words.METRIC_NAMES))


def test_a_page_names_its_handling_codes_most_restrictive_first():
    records = [{"handling_code": "releasable_to_participants"}, {"handling_code": "lead_only"}, {}]
    assert words.codes_of(records) == ["lead_only", "releasable_to_participants"]


def _chain(length: int) -> list[dict]:
    entries, previous = [], "0" * 64
    for seq in range(1, length + 1):
        entry = {"chain": "case-1", "seq": seq, "at": f"2026-11-2{seq}T10:00:00.000Z", "actor": "u",
                 "actor_tenant": "THA",
                 "action": "read", "record_type": "case", "record_id": "c", "case_id": "c", "detail": "",
                 "prev_hash": previous}
        entry["hash"] = chain_hash(previous, {**entry, "at": dt.datetime.fromisoformat(entry["at"])})
        entries.append(entry)
        previous = entry["hash"]
    return entries


def test_the_chain_check_says_whole_or_where_and_how_it_breaks():
    whole = _chain(3)
    assert verify_chain(whole) == verify_chain(list(reversed(whole)))
    assert verify_chain(whole).broken_at is None
    assert verify_chain([whole[0], whole[2]]).broken_at == 2 and verify_chain([whole[0], whole[2]]).reason == "missing"
    altered = copy.deepcopy(whole)
    altered[1]["actor_tenant"] = "MYS"
    assert (verify_chain(altered).broken_at, verify_chain(altered).reason) == (2, "altered")
    relinked = copy.deepcopy(whole)
    relinked[2]["prev_hash"] = "f" * 64
    assert (verify_chain(relinked).broken_at, verify_chain(relinked).reason) == (3, "relinked")
