"""Enrolment in sessions: self-enrolment, nomination, approval, seats and waitlist, withdrawal, bulk CSV."""
