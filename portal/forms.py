"""One way every form shows the API's answer: a 422 problem's field errors beside their fields (with what was
typed kept), a 409's allowed next steps, any other refusal as a plain page.

Forms hold no rules of their own: the API validates, and the page shows what it said. A field error names the
field as the API's body does (`email`, `roles`, `roles.0`); the form knows which of its inputs shows which name,
and an error for a field it does not show goes to the top of the page, so no error is ever lost.
"""

from __future__ import annotations

import dataclasses

import requests
from flask import abort, request
from werkzeug.datastructures import MultiDict

from chassis.problems import PROBLEM_MEDIA_TYPE


@dataclasses.dataclass
class Form:
    """What a person typed into one form, and what the API said about it."""

    fields: tuple[str, ...]  # the API field names this form has inputs for, in page order
    values: MultiDict = dataclasses.field(default_factory=MultiDict)
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # field -> messages
    general_errors: list[str] = dataclasses.field(default_factory=list)  # errors not tied to one of its inputs
    allowed_next_states: list[str] | None = None  # after a 409 from a workflow step

    @classmethod
    def submitted(cls, *fields: str) -> Form:
        return cls(fields=fields, values=MultiDict(request.form))

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def chosen(self, name: str) -> list[str]:
        return self.values.getlist(name)

    def error(self, name: str) -> str | None:
        return " ".join(self.errors.get(name, [])) or None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.general_errors)

    def summary(self) -> list[tuple[str | None, str]]:
        """(field or None, message) for the error summary, fields in page order first."""
        rows: list[tuple[str | None, str]] = []
        for field in self.fields:
            rows.extend((field, message) for message in self.errors.get(field, []))
        rows.extend((None, message) for message in self.general_errors)
        return rows

    def add_error(self, field: str | None, message: str) -> None:
        if field in self.fields:
            self.errors.setdefault(field, []).append(message)
        else:
            self.general_errors.append(f"{field}: {message}" if field and field != "_schema" else message)

    def take_problem(self, problem: dict) -> None:
        """Put a problem document's findings on the form."""
        rows = problem.get("errors") or []
        for row in rows:
            self.add_error(_form_field(str(row.get("field", "")), self.fields), str(row.get("message", "")))
        if problem.get("status") == 409 and "allowed_next_states" in problem:
            self.allowed_next_states = list(problem["allowed_next_states"])
        if not rows:
            self.general_errors.append(str(problem.get("detail") or problem.get("title") or "The request failed"))


def _form_field(api_field: str, fields: tuple[str, ...]) -> str:
    """`roles.0` is shown at `roles`; `address.city` at `address.city` if the form has it, else `address`."""
    parts = api_field.split(".")
    for length in range(len(parts), 0, -1):
        candidate = ".".join(parts[:length])
        if candidate in fields:
            return candidate
    return api_field


def problem_of(response: requests.Response) -> dict:
    if response.headers.get("Content-Type", "").startswith((PROBLEM_MEDIA_TYPE, "application/json")):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            return body
    return {"status": response.status_code, "detail": response.reason}


def answered(response: requests.Response, form: Form | None = None) -> bool:
    """True when the API accepted the request. A 422 or 409 is put on `form` (False: show the form again);
    a 403 or 404 becomes the portal's plain page, anything else its error page."""
    if response.ok:
        return True
    if form is not None and response.status_code in (409, 422):
        form.take_problem(problem_of(response))
        return False
    abort(response.status_code if response.status_code in (403, 404, 409, 422, 429, 503, 504) else 502)


def expect_ok(response: requests.Response) -> requests.Response:
    """The response of a read that has to succeed; otherwise the matching plain page."""
    answered(response)
    return response
