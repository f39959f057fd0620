"""A nomination file is read whole before anyone is nominated: every malformed line is named, and a file with one
is used for nobody; a good file gives each row its API body."""

import pytest

from portal.roster.nominations import read_file
from portal.roster.reports import bars

HEADER = "full_name,email,phone,nationality,clearance_level,consent_given_on,languages,functions"
GOOD = ("Somchai Wong,somchai@example.org,,tha,secret,2026-01-02,th:native;en:professional,"
        "victim_identification:senior:8")


@pytest.fixture(autouse=True)
def _in_a_request(app):
    with app.test_request_context():
        yield


def test_a_good_file_gives_each_row_its_api_body():
    rows, problems = read_file(f"{HEADER}\n{GOOD}\n".encode())

    assert problems == []
    assert rows == [{"line": 2, "email": "somchai@example.org", "outcome": None, "body": {
        "full_name": "Somchai Wong", "email": "somchai@example.org", "nationality": "THA", "clearance_level": "secret",
        "consent_given_on": "2026-01-02",
        "languages": [{"code": "th", "level": "native"}, {"code": "en", "level": "professional"}],
        "functions": [{"code": "victim_identification", "experience_level": "senior", "years": 8}]}}]


def test_every_malformed_line_is_named_and_the_file_gives_no_rows():
    rows, problems = read_file("\n".join([
        HEADER, GOOD,
        "No Date,a@example.org,,THA,,31/01/2026,th:native,victim_identification:senior:8",
        "Bad Cells,b@example.org,,THA,,2026-01-02,th,victim_identification:guru:x",
        "Twice,somchai@example.org,,THA,,2026-01-02,th:native,victim_identification:senior:8",
        "Short,row",
        ",,,,,,,",
    ]).encode())

    assert rows == []
    assert problems[:5] == [
        "Line 3, column consent_given_on: is not a date written as 2026-01-31",
        "Line 4, column languages: is not written as code:level;code:level "
        "(levels: basic, intermediate, professional, native)",
        "Line 4, column functions: is not written as code:level:years;… (levels: junior, experienced, senior)",
        "Line 5, column email: is also on line 2",
        "Line 6: it does not have as many cells as the first line.",
    ]
    assert problems[5:] == [f"Line 7, column {column}: is empty" for column in (
        "full_name", "email", "nationality", "consent_given_on", "languages", "functions")]


@pytest.mark.parametrize(("data", "expected"), [
    (b"name,email\nx,y\n", "Columns missing from the first line"),
    (f"{HEADER},shoe_size\n{GOOD},42\n".encode(), "Columns not known: shoe_size"),
    (f"{HEADER}\n".encode(), "no rows"),
    ("full_name\n\xe9".encode("latin-1"), "UTF-8"),
])
def test_a_file_that_is_not_a_nomination_list_says_why(data, expected):
    rows, problems = read_file(data)

    assert rows == []
    assert expected in problems[0]


def test_a_chart_draws_each_bar_as_a_share_of_the_largest_and_keeps_zeros():
    chart = bars([("a", 4), ("b", 0), ("c", 2)])

    assert [row["share"] for row in chart["rows"]] == [1.0, 0.0, 0.5]
    assert bars([("only gaps", 0)])["rows"][0]["share"] == 0.0
