"""What MongoDB can store and search for, checked on every request's input before any view sees it.

BSON cannot hold text with a lone UTF-16 surrogate (`"\\ud800"` is valid JSON, but not Unicode text),
nor integers beyond 64 bits, and a NUL character breaks keys, regular expressions and most consumers
of the text (CSV, PDF, e-mail). Such input used to reach the database and end as a 500; now it is a 422
that names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "Must not contain a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Must be valid Unicode text"
    return None


def value_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
        return "Number out of range (64-bit integers only)"
    return None


def unstorable_values(values: Any) -> dict[str, Any]:
    """Messages for each value (and key) of `values`, nested as marshmallow nests them; empty when all is well.

    Lists of query or form values (`{"q": ["a\\x00b"]}`) report under the parameter's name.
    """
    if isinstance(values, Mapping):
        errors: dict[str, Any] = {}
        for key, value in values.items():
            key_problem = text_problem(str(key))
            if key_problem:
                errors[_printable(str(key))] = [f"Field name: {key_problem.lower()}"]
                continue
            found = unstorable_values(value)
            if found:
                errors[str(key)] = found
        return errors
    if isinstance(values, list):
        if not any(isinstance(item, Mapping | list) for item in values):
            return sorted({problem for problem in map(value_problem, values) if problem}) or {}
        nested = {str(index): unstorable_values(item) for index, item in enumerate(values)}
        return {index: found for index, found in nested.items() if found}
    problem = value_problem(values)
    return [problem] if problem else {}


def _printable(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace").replace("\x00", "\\x00")
