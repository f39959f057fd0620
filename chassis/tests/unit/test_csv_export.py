"""chassis.csv_export: cells a spreadsheet would run as formulas come out as text; other cells unchanged."""

import csv
import io

import pytest

from chassis.csv_export import csv_text


def written(value) -> str:
    [row] = csv.DictReader(io.StringIO(csv_text([{"cell": value}], ["cell"])))
    return row["cell"]


@pytest.mark.parametrize("formula", ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "%0A=1"])
def test_a_cell_starting_like_a_formula_is_neutralised(formula):
    assert written(formula) == "'" + formula


@pytest.mark.parametrize(("value", "expected"), [("Boat arrivals", "Boat arrivals"), ("-3", "-3"), (-3, "-3"),
                                                 (1.5, "1.5"), ("", ""), (None, "")])
def test_other_cells_are_written_as_they_are(value, expected):
    assert written(value) == expected


def test_a_field_a_row_lacks_is_empty():
    assert csv_text([{"a": "x"}], ["a", "b"]) == "a,b\nx,\n"
