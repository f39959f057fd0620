"""What every page template shares: the menu, and names and formats in the reader's language."""

from __future__ import annotations

import datetime as dt

from flask import Flask, url_for
from flask_babel import format_datetime, format_decimal
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
               "deleted": _l("Deleted")}
KIND_NAMES = {"member_state": _l("Member state"), "international_organisation": _l("International organisation"),
              "platform": _l("Platform")}


def navigation(person: Person) -> list[tuple[str, str, bool]]:
    """(address, label, shown) of the menu's entries for `person`."""
    admin = person.has_any("tenant_admin", "platform_admin")
    case_reader = person.has_any("case_officer", "jpa_coordinator")
    platform_admin = person.tenant == PLATFORM_TENANT and "platform_admin" in person.roles
    return [
        (url_for("pages.index"), _l("Home"), True),
        (url_for("joint_action.cases"), _l("Cases"), case_reader),
        (url_for("joint_action.jpas"), _l("Joint Periods of Action"), case_reader),
        (url_for("admin.people", tenant=person.tenant), _l("People"), admin),
        (url_for("admin.clients", tenant=person.tenant), _l("Machine clients"), admin),
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


def install(app: Flask) -> None:
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.filters.update(
        role_name=lambda role: ROLE_NAMES.get(role, role),
        role_option=lambda role: (role, ROLE_NAMES.get(role, role)),
        state_name=lambda state: STATE_NAMES.get(state, state),
        kind_name=lambda kind: KIND_NAMES.get(kind, kind),
        kind_option=lambda kind: (kind, KIND_NAMES.get(kind, kind)),
        when=when,
        number=format_decimal,
    )
