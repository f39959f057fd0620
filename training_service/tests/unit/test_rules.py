"""Small pure rules: months arithmetic, certificate status by date, CSV reading, report figures."""

import datetime as dt

import pytest

from chassis.problems import ValidationFailed
from training_service.certificates.models import Certificate
from training_service.common import add_months
from training_service.enrolments.bulk import read_rows
from training_service.reports.service import enrolment_figures


@pytest.mark.parametrize(("start", "months", "expected"), [
    (dt.date(2026, 1, 15), 12, dt.date(2027, 1, 15)),
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
    (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    (dt.date(2026, 12, 1), 24, dt.date(2028, 12, 1)),
])
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_a_valid_certificate_is_expired_from_its_expiry_date_on():
    certificate = Certificate(status="valid", expires_on=dt.date(2030, 1, 1))
    assert certificate.status_on(dt.date(2029, 12, 31)) == "valid"
    assert certificate.status_on(dt.date(2030, 1, 1)) == "expired"
    assert Certificate(status="valid", expires_on=None).status_on(dt.date(2999, 1, 1)) == "valid"
    assert Certificate(status="revoked", expires_on=dt.date(2030, 1, 1)).status_on(dt.date(2040, 1, 1)) == "revoked"


def test_read_rows_takes_any_case_header_skips_blank_lines_and_a_bom():
    raw = "\ufeffEMAIL , Name,extra\n a@b.org , Ana ,x\n\n,,\nb@b.org,Ben,\n".encode()
    assert read_rows(raw) == [{"email": "a@b.org", "name": "Ana", "extra": "x"},
                              {"email": "b@b.org", "name": "Ben", "extra": ""}]


@pytest.mark.parametrize("raw", [b"", b"email\nx@y.org\n", b"email,name\n", "email,name\nx,\xe9\n".encode("cp1252")])
def test_read_rows_refuses_a_file_it_cannot_use(raw):
    with pytest.raises(ValidationFailed):
        read_rows(raw)


def test_enrolment_figures():
    rows = [{"status": "enrolled", "count": 5, "started": 2, "passed": 0},
            {"status": "completed", "count": 4, "started": 4, "passed": 3},
            {"status": "waitlisted", "count": 1, "started": 0, "passed": 0}]
    figures = enrolment_figures(rows)
    assert figures == {"enrolled": 9, "not_started": 3, "in_progress": 2, "completed": 4, "passed": 3,
                       "pass_rate": 0.75, "pending_approval": 0, "waitlisted": 1, "withdrawn": 0, "rejected": 0}
    assert enrolment_figures([])["pass_rate"] is None
