"""Small pieces every aggregate of this service uses: clock, ids, paging, shared schema fields."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from bson import ObjectId
from bson.errors import InvalidId

from chassis import db
from chassis.problems import NotFound
from chassis.tenant_status import ExistingTenantCode


def parse_object_id(value: str) -> ObjectId | None:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


def with_id(queryset, field: str, value: str):
    """`queryset` narrowed to `field` == the id `value`; a malformed id matches nothing."""
    parsed = parse_object_id(value)
    return queryset.filter(**{field: parsed}) if parsed else queryset.none()


def first_or_404(queryset, what: str, record_id: str):
    record = queryset.filter(id=db.object_id(record_id, what)).first()
    if record is None:
        raise NotFound(f"No {what} {record_id}")
    return record


def tenant_code_field(**kwargs) -> ma.fields.String:
    """A tenant code this service will store: it must name an existing tenant."""
    return ExistingTenantCode(**kwargs)


def tenant_codes_field(*, validate=None, **kwargs) -> ma.fields.List:
    """A list of distinct tenant codes."""
    return ma.fields.List(tenant_code_field(), validate=[_distinct, *([validate] if validate else [])], **kwargs)


def _distinct(values: list) -> None:
    if len(set(values)) != len(values):
        raise ma.ValidationError("Name each tenant once")


# No JPA, case, milestone or outcome of this platform predates the Bali Process (2002): an earlier date is a slip
# of the keyboard (1900, 0202), not a record.
EARLIEST_RECORD_DATE = dt.date(2000, 1, 1)


def record_date_field(**kwargs) -> ma.fields.Date:
    """The date of something in the life of a JPA or a case: from 2000 on (each use case bounds it further)."""
    return ma.fields.Date(validate=ma.validate.Range(
        min=EARLIEST_RECORD_DATE, error=f"Must not be before {EARLIEST_RECORD_DATE.isoformat()}"), **kwargs)


def period_errors(start: dt.date | None, end: dt.date | None, end_field: str = "end_date") -> dict:
    """Field errors of a period that ends before it starts (none if it does not)."""
    if start and end and end < start:
        return {end_field: ["Must not be before the start date"]}
    return {}


class StepIn(ma.Schema):
    """A step in a record's workflow."""

    to = ma.fields.String(required=True)
    comment = ma.fields.String(validate=ma.validate.Length(max=2000))


class ReleaseIn(ma.Schema):
    """Participants to release an item or a person record to."""

    tenants = tenant_codes_field(required=True, validate=ma.validate.Length(min=1))
