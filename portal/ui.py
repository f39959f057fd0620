"""What every page template shares: the menu, and names and formats in the reader's language."""

from __future__ import annotations

import datetime as dt

from flask import Flask, url_for
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from chassis.vocabulary import PLATFORM_TENANT
from portal.sessions import Person

ROLE_NAMES = {
    "platform_admin": _l("Platform administrator"), "tenant_admin": _l("Organisation administrator"),
    "roster_manager": _l("Roster manager"), "requesting_officer": _l("Requesting officer"), "expert": _l("Expert"),
    "training_coordinator": _l("Training coordinator"), "trainer": _l("Trainer"), "trainee": _l("Trainee"),
    "case_officer": _l("Case officer"), "jpa_coordinator": _l("Joint action coordinator"), "auditor": _l("Auditor"),
}
STATE_NAMES = {"active": _l("Active"), "suspended": _l("Suspended"), "deactivated": _l("Deactivated"),
               "deleted": _l("Deleted"),
               # the roster's experts, requests and deployments
               "nominated": _l("Nominated"), "vetted": _l("Vetted"), "inactive": _l("Inactive"),
               "anonymised": _l("Anonymised"), "draft": _l("Draft"), "submitted": _l("Submitted"),
               "under_review": _l("Under review"), "offered": _l("Offered"), "accepted": _l("Accepted"),
               "deployed": _l("Deployed"), "completed": _l("Completed"), "rejected": _l("Rejected"),
               "withdrawn": _l("Withdrawn"), "cancelled": _l("Cancelled"), "declined": _l("Declined"),
               # webhook subscriptions and their deliveries
               "paused": _l("Paused"), "pending": _l("Pending"), "held": _l("Held"),
               "succeeded": _l("Succeeded"), "failed": _l("Failed")}
KIND_NAMES = {"member_state": _l("Member state"), "international_organisation": _l("International organisation"),
              "platform": _l("Platform")}


def navigation(person: Person) -> list[tuple[str, str, bool]]:
    """(address, label, shown) of the menu's entries for `person`."""
    admin = person.has_any("tenant_admin", "platform_admin")
    case_reader = person.has_any("case_officer", "jpa_coordinator")
    platform_admin = person.tenant == PLATFORM_TENANT and "platform_admin" in person.roles
    roster_office = person.tenant == PLATFORM_TENANT and "roster_manager" in person.roles
    return [
        (url_for("pages.index"), _l("Home"), True),
        (url_for("joint_action.cases"), _l("Cases"), case_reader),
        (url_for("joint_action.jpas"), _l("Joint Periods of Action"), case_reader),
        (url_for("roster.office"), _l("Roster office"), roster_office),
        (url_for("roster.search"), _l("Search the roster"), person.has_any("requesting_officer") or roster_office),
        (url_for("roster.requests_list"), _l("Requests"), person.has_any("requesting_officer") or roster_office),
        (url_for("roster.nominate"), _l("Nominate"), person.has_any("roster_manager", "tenant_admin")),
        (url_for("roster.my_roster"), _l("My roster profile"), person.has_any("expert")),
        (url_for("roster.reports"), _l("Reports"),
         person.has_any("roster_manager", "tenant_admin", "auditor", "platform_admin")),
        (url_for("training.catalogue"), _l("Training"), True),
        (url_for("admin.people", tenant=person.tenant), _l("People"), admin),
        (url_for("admin.clients", tenant=person.tenant), _l("Machine clients"), admin),
        (url_for("webhooks.subscriptions"), _l("Webhooks"), admin),
        (url_for("admin.tenants"), _l("Organisations"), platform_admin),
        (url_for("admin.audit"), _l("Audit log"), person.has_any("tenant_admin", "platform_admin", "auditor")),
        (url_for("pages.password"), _l("Change password"), True),
    ]


def when(value: str | dt.datetime | None) -> str:
    """An API timestamp (ISO 8601) as the reader's locale writes a date and time."""
    if not value:
        return ""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_datetime(moment, "medium")


def day(value: str | dt.date | None) -> str:
    """An API date (ISO 8601, or a moment of which the date is taken) as the reader's locale writes it."""
    if not value:
        return ""
    return format_date(value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10]), "medium")


def install(app: Flask) -> None:
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.filters.update(
        role_name=lambda role: ROLE_NAMES.get(role, role),
        role_option=lambda role: (role, ROLE_NAMES.get(role, role)),
        state_name=lambda state: STATE_NAMES.get(state, state),
        kind_name=lambda kind: KIND_NAMES.get(kind, kind),
        kind_option=lambda kind: (kind, KIND_NAMES.get(kind, kind)),
        when=when,
        day=day,
        number=format_decimal,
    )
