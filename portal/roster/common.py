"""What the roster's pages share: API paths, paging through a list, names of codes in the reader's language."""

from __future__ import annotations

import functools
import json
from urllib.parse import quote

from babel import Locale
from flask import abort, g, session
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from chassis.vocabulary import PLATFORM_TENANT
from portal import gateway
from portal.forms import expect_ok
from portal.pages import signed_in

ROSTER = "/api/roster"
LARGEST_PAGE = 100  # the services' largest page
PROFICIENCY_LEVELS = ("basic", "intermediate", "professional", "native")
CLEARANCE_LEVELS = ("none", "restricted", "confidential", "secret")
EXPERIENCE_LEVELS = ("junior", "experienced", "senior")
LEVEL_NAMES = {
    "basic": _l("Basic"), "intermediate": _l("Intermediate"), "professional": _l("Professional"),
    "native": _l("Native"), "none": _l("None"), "restricted": _l("Restricted"), "confidential": _l("Confidential"),
    "secret": _l("Secret"), "junior": _l("Junior"), "experienced": _l("Experienced"), "senior": _l("Senior"),
    "not_ready": _l("Not ready"), "vetted": _l("Vetted"), "ready": _l("Ready"),
}
SCORE_RULES = {  # the ranking rules of `score_parts`, in words
    "certificate": _l("Certificate qualifying for the function, valid through the dates"),
    "experience_years": _l("Years of experience in the function"),
    "experience_level": _l("Experience level in the function"),
    "language_proficiency": _l("Language spoken above the level asked for"),
}


STEP_NAMES = {  # the buttons that ask for a workflow step
    "submitted": _l("Submit to the roster office"), "withdrawn": _l("Withdraw the request"),
    "cancelled": _l("Cancel"), "under_review": _l("Start the review"), "rejected": _l("Reject"),
    "deployed": _l("Record the deployment as started"), "accepted": _l("Accept"), "declined": _l("Decline"),
}


def path(*segments: str) -> str:
    """A roster API path from its segments, each one escaped."""
    return "/".join([ROSTER, *(quote(str(segment), safe="") for segment in segments)])


def total_of(response) -> int:
    paging = response.headers.get("X-Pagination")
    return json.loads(paging)["total"] if paging else len(response.json())


def every_item(api_path: str, **params) -> list[dict]:
    """Every item of a paginated list, page after page."""
    items, number = [], 1
    while True:
        response = expect_ok(gateway.get(api_path, params={**params, "page": number, "page_size": LARGEST_PAGE}))
        items.extend(response.json())
        paging = response.headers.get("X-Pagination")
        if not paging or json.loads(paging).get("last_page", 1) <= number:
            return items
        number += 1


def function_names() -> dict[str, str]:
    """Function code -> name, read once per page."""
    if "roster_functions" not in g:
        g.roster_functions = {function["code"]: function["name"]
                              for function in expect_ok(gateway.get(path("functions"))).json()}
    return g.roster_functions


def language_name(code: str) -> str:
    """An ISO 639 code as the reader's language names it (the code itself when Babel has no name)."""
    name = Locale.parse(str(get_locale())).languages.get(code)
    return f"{name} ({code})" if name else code


def language_options() -> list[tuple[str, str]]:
    """The languages offered in forms: those of the region and its partners, named in the reader's language."""
    return sorted(((code, language_name(code)) for code in REGION_LANGUAGES), key=lambda option: option[1])


REGION_LANGUAGES = ("en", "id", "th", "ms", "my", "km", "vi", "tl", "bn", "fa", "ps", "ar", "rhg", "si", "ta", "ur",
                    "zh", "fr")


def is_office() -> bool:
    person = session.person
    return person.tenant == PLATFORM_TENANT and "roster_manager" in person.roles


def requiring(*roles: str, office: bool = False):
    """A page for signed-in people with one of `roles` (or the roster office); others get the not-allowed page."""

    def decorator(view):
        @functools.wraps(view)
        @signed_in
        def wrapper(*args, **kwargs):
            if not (session.person.has_any(*roles) or (office and is_office())):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def install_filters(state) -> None:
    state.app.jinja_env.filters.update(
        level_name=lambda level: LEVEL_NAMES.get(level, level),
        language_name=language_name,
        function_name=lambda code: function_names().get(code, code),
        score_rule=lambda rule: SCORE_RULES.get(rule, rule),
        level_option=lambda level: (level, LEVEL_NAMES.get(level, level)),
        step_name=lambda step: STEP_NAMES.get(step, step),
        month_name=lambda month: format_date(month, "LLLL y"),
    )


