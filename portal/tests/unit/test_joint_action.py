"""The joint-action pages' own small parts: the charts' geometry, the page's handling codes, people's text."""

from portal.joint_action import words
from portal.joint_action.pages import _rich


def test_bars_are_scaled_to_the_largest_value_and_a_chart_of_zeros_draws_none():
    drawn = words.bars({"arrests": 4, "charges": 2, "convictions": 0}, words.METRIC_NAMES)
    assert [(bar.value, bar.width) for bar in drawn] == [(4, 1.0), (2, 0.5), (0, 0.0)]
    assert [bar.y for bar in drawn] == [0, 32, 64]
    assert all(bar.width == 0 for bar in words.bars({"arrests": 0}, words.METRIC_NAMES))


def test_a_page_names_its_handling_codes_most_restrictive_first():
    records = [{"handling_code": "releasable_to_participants"}, {"handling_code": "lead_only"}, {}]
    assert words.codes_of(records) == ["lead_only", "releasable_to_participants"]


def test_text_people_wrote_keeps_its_lines_and_loses_its_scripts():
    shown = str(_rich("Women recruited as waitresses.\n<script>alert(1)</script><b onclick=x>bold</b>"))
    assert shown == "Women recruited as waitresses.<br><b>bold</b>"
    assert str(_rich(None)) == ""
