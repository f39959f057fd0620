"""Use cases of the function catalogue. The standard catalogue is seeded the first time it is read."""

from __future__ import annotations

import datetime as dt
import time

import mongoengine as me

from chassis import db
from chassis.auth import Principal
from chassis.problems import Conflict, Forbidden, NotFound
from chassis.vocabulary import STANDARD_FUNCTIONS
from roster_service.access import ROSTER_OFFICE_TENANT
from roster_service.functions.models import Function, StandardOperatingProcedure

CATALOGUE_MANAGER_ROLES = frozenset({"platform_admin", "roster_manager"})


def ensure_standard_catalogue() -> None:
    """Insert any standard function that is missing; safe to run concurrently and repeatedly."""
    if Function.objects.count() >= len(STANDARD_FUNCTIONS):
        return
    for code, name in STANDARD_FUNCTIONS.items():
        try:
            Function.objects(code=code).update_one(upsert=True, set_on_insert__name=name,
                                                   set_on_insert__created_at=dt.datetime.now(dt.UTC))
        except me.NotUniqueError:
            continue  # a concurrent seeding inserted it first


class _CatalogueCodes:
    """The catalogue's codes, which every search and request validates against, read at most every
    `ttl_seconds` per process (the catalogue changes rarely; this process's own changes clear it at once)."""

    ttl_seconds = 5.0

    def __init__(self):
        self._codes: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    def get(self) -> frozenset[str]:
        if time.monotonic() - self._read_at > self.ttl_seconds:
            ensure_standard_catalogue()
            self._codes, self._read_at = frozenset(Function.objects.scalar("code")), time.monotonic()
        return self._codes

    def clear(self) -> None:
        self._read_at = float("-inf")


_catalogue_codes = _CatalogueCodes()


def known_function_codes() -> frozenset[str]:
    return _catalogue_codes.get()


def forget_cached_catalogue() -> None:
    """For a process whose database was replaced under it (each test has a fresh one)."""
    _catalogue_codes.clear()


def list_functions() -> list[Function]:
    ensure_standard_catalogue()
    return list(Function.objects.order_by("code"))


def get_function(code: str) -> Function:
    ensure_standard_catalogue()
    function = Function.objects(code=code).first()
    if function is None:
        raise NotFound(f"No function '{code}' in the catalogue")
    return function


def qualifying_courses_by_function() -> dict[str, set[str]]:
    return {function.code: set(function.qualifying_courses) for function in list_functions()}


def check_catalogue_manager(principal: Principal) -> None:
    """The catalogue is the platform's: only the RSO's platform admins and roster managers change it."""
    if principal.tenant != ROSTER_OFFICE_TENANT or not principal.roles & CATALOGUE_MANAGER_ROLES:
        raise Forbidden("Only the roster office manages the function catalogue")


def create_function(principal: Principal, data: dict) -> Function:
    check_catalogue_manager(principal)
    ensure_standard_catalogue()
    if Function.objects(code=data["code"]).first() is not None:
        raise Conflict(f"Function '{data['code']}' already exists")
    created = Function(**data).save(force_insert=True)
    _catalogue_codes.clear()
    return created


def update_function(principal: Principal, code: str, changes: dict) -> Function:
    """Change a function's name, description or qualifying courses; certificates are re-qualified."""
    from roster_service.certificates.service import requalify_certificates

    check_catalogue_manager(principal)
    function = get_function(code)

    def write() -> Function:
        courses_before = set(function.qualifying_courses)
        for name, value in changes.items():
            setattr(function, name, value)
        function.save()
        changed_courses = courses_before ^ set(function.qualifying_courses)
        if changed_courses:
            requalify_certificates(changed_courses)
        return function

    return db.transaction(write)


def publish_sop(principal: Principal, code: str, data: dict) -> StandardOperatingProcedure:
    """Add the next version of a function's SOP; earlier versions stay readable."""
    check_catalogue_manager(principal)
    get_function(code)

    def write() -> StandardOperatingProcedure:
        function = Function.objects.get(code=code)
        sop = StandardOperatingProcedure(
            version=max((existing.version for existing in function.sops), default=0) + 1,
            published_at=dt.datetime.now(dt.UTC), published_by=principal.sub, **data)
        updated = Function.objects(code=code, sops__version__ne=sop.version).update_one(push__sops=sop)
        if not updated:
            raise Conflict("Another SOP version was published at the same time; try again")
        return sop

    return db.transaction(write)


def get_sop(code: str, version: int) -> StandardOperatingProcedure:
    function = get_function(code)
    sop = next((sop for sop in function.sops if sop.version == version), None)
    if sop is None:
        raise NotFound(f"Function '{code}' has no SOP version {version}")
    return sop
