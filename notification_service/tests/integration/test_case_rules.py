"""Joint action's tasks, releases and deployments, and the last certificate reminder: who hears, and that no
mail quotes what only the case shows."""

from __future__ import annotations

import pytest

from chassis.testing.events import deliver, envelope
from notification_service.mail.models import PendingMail
from notification_service.notifications.models import Notification
from notification_service.subscriptions import subscriptions
from notification_service.tests.conftest import person

CASE = {"case_id": "case-7", "jpa_id": None, "lead_tenant": "IDN"}


@pytest.fixture
def people(app):
    known = {
        "idn_cases": person("idn-cases", tenant="IDN", roles=["case_officer"]),
        "tha_cases": person("tha-cases", tenant="THA", roles=["case_officer"], language="th"),
        "tha_analyst": person("tha-analyst", tenant="THA", roles=["case_officer"]),
        "mys_cases": person("mys-cases", tenant="MYS", roles=["case_officer"]),
        "tha_trainee": person("tha-trainee", tenant="THA", roles=["trainee"]),
    }
    for someone in known.values():
        deliver(subscriptions, someone)
    return known


def _mailed(kind: str) -> list[str]:
    return sorted(mail.to for mail in PendingMail.objects(kind=kind))


def _task(**fields):
    return envelope("joint_action.task.assigned", {
        **CASE, "task_id": "task-1", "assigned_tenant": "THA", "assignee": None, "due_date": "2027-02-01",
        "mandatory": False, **fields}, tenant="IDN")


def test_a_task_assigned_to_a_person_tells_that_person_only(people):
    deliver(subscriptions, _task(assignee="tha-analyst"))
    assert _mailed("task_assigned") == ["tha-analyst@example.org"]
    [notification] = Notification.across_tenants("test")
    assert (notification.tenant, notification.user_id, notification.link) == (
        "THA", "tha-analyst", "https://portal.example.org/cases/case-7")
    PendingMail.objects.delete()
    deliver(subscriptions, _task(assignee="THA-Analyst@Example.org"))
    assert _mailed("task_assigned") == ["tha-analyst@example.org"]


def test_a_task_assigned_to_a_tenant_or_to_someone_not_of_it_tells_its_case_officers(people):
    deliver(subscriptions, _task())
    assert _mailed("task_assigned") == ["tha-analyst@example.org", "tha-cases@example.org"]
    PendingMail.objects.delete()
    for stranger in ("mys-cases", "mys-cases@example.org", "nobody@example.org"):
        deliver(subscriptions, _task(assignee=stranger))
    assert set(_mailed("task_assigned")) == {"tha-analyst@example.org", "tha-cases@example.org"}


def test_an_item_released_tells_the_case_officers_it_was_released_to_and_quotes_nothing(people):
    deliver(subscriptions, envelope("joint_action.item.released", {
        **CASE, "item_id": "item-1", "originator_tenant": "IDN", "tenants": ["THA", "MYS"]}, tenant="IDN"))
    assert _mailed("item_released") == ["mys-cases@example.org", "tha-analyst@example.org", "tha-cases@example.org"]
    thai = PendingMail.objects.get(to="tha-cases@example.org")
    assert thai.language == "th" and "https://portal.example.org/cases/case-7" in thai.text
    assert "item-1" not in thai.text


def test_an_expert_deployed_on_a_case_tells_the_lead_and_the_requesting_tenant(people):
    deliver(subscriptions, envelope("joint_action.case.expert_deployed", {
        **CASE, "requesting_tenant": "THA", "deployment_id": "dep-1", "function": "victim_identification",
        "country": "IDN", "start_date": "2027-03-01", "end_date": "2027-04-01"}, tenant="IDN"))
    assert _mailed("expert_deployed") == ["idn-cases@example.org", "tha-analyst@example.org",
                                          "tha-cases@example.org"]
    deliver(subscriptions, envelope("joint_action.case.expert_deployed", {
        **CASE, "case_id": "case-8", "requesting_tenant": "IDN", "deployment_id": "dep-2", "function": "x",
        "country": "IDN", "start_date": "2027-03-01", "end_date": "2027-04-01"}, tenant="IDN"))
    assert PendingMail.objects(kind="expert_deployed", to="idn-cases@example.org").count() == 2
