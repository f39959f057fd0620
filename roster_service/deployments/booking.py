"""The rule that an expert is never booked twice: a booking is written only where it overlaps nothing.

The write is one conditional update of the expert's document (filter: no overlapping booking or
unavailability; update: push the booking). MongoDB applies it atomically, and inside a transaction
two concurrent bookings of the same expert conflict, so the retried one sees the other's booking
and is refused.
"""

from __future__ import annotations

from chassis.access import system
from chassis.problems import Conflict
from roster_service.deployments.models import Deployment
from roster_service.experts.models import Booking, Expert
from roster_service.search.criteria import at

BOOKING = system("booking an offered expert, whichever tenant nominated them")


def book_expert(deployment: Deployment) -> None:
    start, end = at(deployment.start_date), at(deployment.end_date)
    free = {
        "status": "active",
        "bookings": {"$not": {"$elemMatch": {"start_date": {"$lte": end}, "end_date": {"$gte": start}}}},
        "unavailability": {"$not": {"$elemMatch": {
            "start_date": {"$lte": end}, "$or": [{"end_date": None}, {"end_date": {"$gte": start}}]}}},
    }
    booked = BOOKING.records(Expert).filter(id=deployment.expert.expert_id, __raw__=free).update_one(
        push__bookings=Booking(deployment_id=str(deployment.id), start_date=deployment.start_date,
                               end_date=deployment.end_date))
    if not booked:
        raise Conflict(
            f"The expert is not free from {deployment.start_date.isoformat()} to {deployment.end_date.isoformat()}: "
            "already booked, unavailable, or no longer active", slug="expert-not-available",
            title="The expert cannot be booked for these dates")


def release_expert(deployment: Deployment) -> None:
    BOOKING.records(Expert).filter(id=deployment.expert.expert_id).update_one(
        pull__bookings__deployment_id=str(deployment.id))
