"""Shared vocabulary: roster function codes (docs/events.md) and who may do what in training."""

from __future__ import annotations

FUNCTION_CODES = (
    "language_document_analysis", "country_of_origin_information", "interpretation_translation",
    "age_determination", "registration_documentation", "vulnerable_persons", "medical_counselling",
    "legal_counselling", "transport_arrangements", "ngo_services", "assisted_voluntary_return",
    "migration_legislation", "border_management", "refugee_status_determination", "victim_identification",
    "interview_techniques", "search_rescue_shelter",
)

PLATFORM_TENANT = "RSO"

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
