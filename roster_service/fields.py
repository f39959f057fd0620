"""Marshmallow fields and checks shared by the roster's schemas: codes, levels, date ranges."""

from __future__ import annotations

import marshmallow as ma


def validate_function_code(code: str) -> None:
    from roster_service.functions.service import known_function_codes

    if code not in known_function_codes():
        raise ma.ValidationError("Not a function of the roster's catalogue (see /functions)")


def FunctionCode(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=validate_function_code, **{**kwargs, "metadata": {"example": "border_management"}})


def Text(max_length: int, **kwargs) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(max=max_length), **kwargs)


def check_date_order(data: dict, start: str = "start_date", end: str = "end_date") -> None:
    """A period ends on or after the day it starts (both days belong to it)."""
    if data.get(start) and data.get(end) and data[end] < data[start]:
        raise ma.ValidationError(f"Must be on or after {start}", end)


def no_duplicates(items: list, key: str, field: str) -> None:
    seen = [item[key] for item in items]
    if len(seen) != len(set(seen)):
        raise ma.ValidationError(f"Each {key} may appear once", field)
