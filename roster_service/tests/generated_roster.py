"""A generated roster for search tests and benchmarks: varied experts written with one bulk insert."""

from __future__ import annotations

import datetime as dt
import random

from bson import ObjectId

from chassis.vocabulary import PROFICIENCY_LEVELS, STANDARD_FUNCTIONS
from roster_service.experts.models import (
    Booking,
    Certification,
    Consent,
    Expert,
    FunctionExperience,
    LanguageSkill,
    Period,
)
from roster_service.vocabulary import CLEARANCE_LEVELS, EXPERIENCE_LEVELS

TENANTS = ("IDN", "THA", "MYS", "PHL", "AUS", "VNM", "LKA", "BGD", "IOM", "UNHCR")
NATIONALITIES = ("IDN", "THA", "MYS", "PHL", "AUS", "VNM", "LKA", "BGD", "MMR", "AFG", "NZL", "KHM")
LANGUAGES = ("en", "th", "id", "ms", "tl", "vi", "my", "bn", "rhg", "prs", "fa", "ar", "ur", "ta", "si", "fr")
STATUSES = ("active",) * 8 + ("nominated", "vetted", "inactive", "suspended")
FUNCTIONS = tuple(STANDARD_FUNCTIONS)


def _date_near(rng: random.Random, base: dt.date, spread: int) -> dt.date:
    return base + dt.timedelta(days=rng.randint(-spread, spread))


def generated_expert(rng: random.Random, base: dt.date) -> Expert:
    """One random expert; dates fall around `base` so searches near it meet every kind of overlap."""
    functions = rng.sample(FUNCTIONS, rng.randint(1, 3))
    certifications = []
    for code in functions:
        if rng.random() < 0.7:
            external = rng.random() < 0.2
            certifications.append(Certification(
                certificate_id=f"C-{ObjectId()}", source="external" if external else "training",
                title=f"Course on {code}", function=code, qualifies_for=[code],
                issued_on=base - dt.timedelta(days=400) if rng.random() < 0.9 else dt.date.today() + dt.timedelta(
                    days=rng.randint(1, 30)),  # some dated in the future: not held yet
                expires_on=None if rng.random() < 0.15 else _date_near(rng, base + dt.timedelta(days=30), 60),
                status=rng.choice(("valid",) * 8 + ("expired", "revoked")),
                verified_at=dt.datetime(2026, 1, 1) if external and rng.random() < 0.5 else None))
    unavailability = []
    for _ in range(rng.randint(0, 2)):
        start = _date_near(rng, base, 60)
        end = None if rng.random() < 0.2 else start + dt.timedelta(days=rng.randint(0, 30))
        unavailability.append(Period(period_id=str(ObjectId()), start_date=start, end_date=end))
    bookings = []
    for _ in range(rng.randint(0, 2)):
        start = _date_near(rng, base, 60)
        bookings.append(Booking(deployment_id=str(ObjectId()), start_date=start,
                                end_date=start + dt.timedelta(days=rng.randint(0, 30))))
    levels = {code: rng.choice(PROFICIENCY_LEVELS) for code in rng.sample(LANGUAGES, rng.randint(1, 4))}
    status = rng.choice(STATUSES)
    tenant = rng.choice(TENANTS)
    return Expert(
        id=ObjectId(), tenant=tenant, full_name=f"Expert {rng.randint(1, 10**9)}",
        email=f"expert{rng.randint(1, 10**12)}@example.org", nationality=rng.choice(NATIONALITIES),
        languages=[LanguageSkill(code=code, level=level) for code, level in levels.items()],
        functions=[FunctionExperience(code=code, experience_level=rng.choice(EXPERIENCE_LEVELS),
                                      years=rng.randint(0, 30)) for code in functions],
        functions_awaiting_vetting=[code for code in functions if rng.random() < 0.1],
        clearance_level=rng.choice(CLEARANCE_LEVELS),
        certifications=certifications, unavailability=unavailability, bookings=bookings,
        consent=Consent(given_on=dt.date(2025, 1, 1)), status=status,
        vetted_at=None if status == "nominated" else dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def insert_experts(experts: list[Expert], batch_size: int = 1000) -> None:
    """Write experts with bulk inserts (the tenant-scoped manager is bypassed: this is test data)."""
    collection = Expert._get_collection()
    for expert in experts:
        expert.clean()  # derived fields, as save() would
    for first in range(0, len(experts), batch_size):
        collection.insert_many([expert.to_mongo() for expert in experts[first:first + batch_size]])


def generate_roster(count: int, *, seed: int, base: dt.date) -> list[Expert]:
    rng = random.Random(seed)
    experts = [generated_expert(rng, base) for _ in range(count)]
    insert_experts(experts)
    return experts
