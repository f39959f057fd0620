"""Who may do what in training (the platform-wide vocabulary is chassis.vocabulary)."""

from __future__ import annotations

# Who writes course material (modules, assessments, draft courses) for their tenant.
AUTHORS = ("training_coordinator", "trainer")
# Who runs training for their tenant: publishes courses, schedules sessions, nominates, approves, revokes.
COORDINATORS = ("training_coordinator",)
# Who learns: self-enrolment, progress, quizzes, own certificates.
LEARNERS = ("trainee", "expert")
# Who reads a tenant's training figures.
REPORT_READERS = ("training_coordinator", "auditor", "tenant_admin", "platform_admin")

# Days before expiry at which a certificate counts as expiring and its holder is reminded.
EXPIRY_REMINDER_DAYS = 30
# Days before expiry at which the holder is reminded a last time.
FINAL_REMINDER_DAYS = 7
