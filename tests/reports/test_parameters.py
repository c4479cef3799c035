"""Parsing a notebook's parameters cell and validating user values against it."""

import datetime as dt

import pytest

from ecomlib.errors import ParameterError
from ecomlib.reports.parameters import convert_value, parse_parameters, validate_parameters

CELL = '''from datetime import date
data: str = ""  # shop export; empty = bundled sample shop
start: date = ""  # first day, YYYY-MM-DD [range 2015-01-01..2035-12-31]
seed: int = 7  # random seed [range 0..]
level: float = 0.95  # confidence level [range 0.5..0.999]
method: str = "log"  # decomposition [one of: log, shapley]
show_truth: bool = True  # show the simulation's truth beside estimates
channels: list[str] = []  # channels to show [one of: web, app, marketplace]
top_n: list[int] = [5, 10]  # sizes of top lists [range 1..50]
output: str = "x.csv"  # where to write [path]
'''


@pytest.fixture
def specs():
    return parse_parameters(CELL)


def test_parse_reads_names_types_defaults_help_and_tags(specs):
    assert list(specs) == [
        "data", "start", "seed", "level", "method", "show_truth", "channels", "top_n", "output",
    ]
    assert specs["level"].type == "float" and specs["level"].default == 0.95
    assert (specs["level"].low, specs["level"].high) == (0.5, 0.999)
    assert specs["level"].help == "confidence level"
    assert specs["seed"].low == 0 and specs["seed"].high is None
    assert specs["method"].choices == ("log", "shapley")
    assert specs["channels"].type_label == "list[str]"
    assert specs["top_n"].item_type == "int" and specs["top_n"].default == [5, 10]
    assert specs["start"].type == "date" and specs["start"].default == ""
    assert specs["start"].low == "2015-01-01"
    assert specs["data"].is_path and specs["output"].is_path and not specs["method"].is_path


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("seed", "12", 12),
        ("seed", 3.0, 3),
        ("level", "0.9", 0.9),
        ("show_truth", "no", False),
        ("show_truth", "TRUE", True),
        ("start", "2024-03-01", "2024-03-01"),
        ("start", dt.date(2024, 3, 1), "2024-03-01"),
        ("start", "", ""),
        ("channels", "web, app", ["web", "app"]),
        ("channels", '["web"]', ["web"]),
        ("channels", "", []),
        ("top_n", "3,20", [3, 20]),
        ("method", "shapley", "shapley"),
    ],
)
def test_values_convert_to_the_declared_type(specs, name, raw, expected):
    assert convert_value(specs[name], raw) == expected


@pytest.mark.parametrize(
    ("name", "raw", "fragment"),
    [
        ("seed", "seven", "whole number"),
        ("seed", "-1", "range 0.."),
        ("seed", True, "whole number"),
        ("level", "abc", "a number"),
        ("level", "0.2", "range 0.5..0.999"),
        ("level", "nan", "finite"),
        ("show_truth", "maybe", "true or false"),
        ("start", "2024-13-01", "YYYY-MM-DD"),
        ("start", "1999-01-01", "range"),
        ("method", "shapely", "Did you mean 'shapley'"),
        ("channels", "web,tv", "one of"),
        ("top_n", "3,x", "whole number"),
        ("top_n", "0", "range 1..50"),
    ],
)
def test_bad_values_name_the_parameter(specs, name, raw, fragment):
    with pytest.raises(ParameterError) as info:
        validate_parameters(specs, {name: raw}, where="chapter 'basics'")
    assert f"`{name}`" in str(info.value)
    assert fragment in str(info.value)


def test_unknown_name_suggests_the_closest(specs):
    with pytest.raises(ParameterError, match=r"`levle` is not a parameter of chapter 'x'\. Did you mean `level`\?"):
        validate_parameters(specs, {"levle": 0.9}, where="chapter 'x'")
    with pytest.raises(ParameterError, match="Valid parameters: data, start"):
        validate_parameters(specs, {"nonsense": 1})


def test_validate_returns_only_passed_values_converted(specs):
    assert validate_parameters(specs, {"seed": "4", "channels": "app"}) == {
        "seed": 4,
        "channels": ["app"],
    }
    assert validate_parameters(specs, None) == {}


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("x = 1", "only `name: type = default"),
        ("x: complex = 1j", "allowed types"),
        ("x: int = len('a')", "not a literal"),
        ("x: int = 'a'", "whole number"),
        ("x: int = 5  # [range 0..3]", "range 0..3"),
        ("x: str = 'a'  # [range 0..3]", "LO..HI"),
        ("x: int = (", "not valid Python"),
    ],
)
def test_malformed_cells_are_reported(source, fragment):
    with pytest.raises(ParameterError, match=None) as info:
        parse_parameters(source)
    assert fragment in str(info.value)


def test_multiline_default_takes_comment_of_last_line():
    specs = parse_parameters('xs: list[float] = [\n    1.0,\n    2.0,\n]  # prices [range 0..]\n')
    assert specs["xs"].default == [1.0, 2.0] and specs["xs"].low == 0.0


@pytest.mark.parametrize(
    "raw",
    ["2024-06-01 garbage", "2024-06-01T00:00", "2024-06-01 00:00:00", "20240601", "2024-W22-6",
     "2024-6-1", "2024-06-01x", "01/06/2024"],
)
def test_a_date_parameter_must_be_exactly_a_date(specs, raw):
    # before: `fromisoformat(value[:10])` took "2024-06-01 garbage" as 2024-06-01
    with pytest.raises(ParameterError, match=r"`start` must be a date written YYYY-MM-DD \(or empty\)"):
        validate_parameters(specs, {"start": raw})
    assert validate_parameters(specs, {"start": " 2024-06-01 "}) == {"start": "2024-06-01"}


def test_date_list_items_must_be_exact_dates():
    spec = parse_parameters("days: list[date] = []  # days")["days"]
    assert convert_value(spec, "2024-06-01,2024-06-18") == ["2024-06-01", "2024-06-18"]
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        convert_value(spec, "2024-06-01,2024-06-18 junk")
