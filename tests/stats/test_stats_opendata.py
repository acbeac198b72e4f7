"""Open data files: deterministic bytes, CSV for spreadsheets, JSON structure, sources of values."""

import csv
import io
import json

import pytest
from stats_builders import HT, KHT, SCALE, TOT, XS, tree, unit, ys

from bantin.output.opendata import CSV_PATH, JSON_PATH, csv_header, open_data_files
from bantin.site.stats import compute


@pytest.fixture
def files():
    units = tree(unit("huyen", None, ys(2023, grassroots=1, ratings={XS: 1}), level="district",
                      name="Đảng bộ huyện Thoại Sơn"),
                 unit("xa", "huyen", ys(2022, members=40), ys(2023, new_members=2), level="commune",
                      name='Đảng bộ xã Phú "Hòa, Mỹ"'),
                 unit("cb", "xa", ys(2023, members=45, member_ratings={TOT: 40}), level="branch",
                      name="Chi bộ ấp Phú Hữu"),
                 unit("empty", "huyen", level="commune", name="Đảng bộ xã Định Mỹ"))
    return open_data_files(compute(units, SCALE), units, SCALE)


def rows(files):
    text = files[CSV_PATH].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_writes_the_two_documented_paths(files):
    assert sorted(files) == ["du-lieu/don-vi.csv", "du-lieu/don-vi.json"]
    assert all(isinstance(data, bytes) for data in files.values())


def test_csv_starts_with_a_bom_and_uses_crlf(files):
    data = files[CSV_PATH]
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") == 6  # header and five unit-years
    assert "Đảng bộ huyện Thoại Sơn".encode("utf-8") in data


def test_csv_columns_are_the_documented_ones(files):
    header = next(csv.reader(io.StringIO(files[CSV_PATH].decode("utf-8-sig"), newline="")))
    assert header == csv_header(SCALE)
    assert header[:9] == ["unit_id", "name", "short_name", "level", "parent_id", "depth", "year",
                          "members", "members_source"]
    assert f"ratings[{XS}]" in header and "member_ratings_source" in header


def test_csv_round_trips_with_the_csv_module(files):
    table = rows(files)
    assert [(r["unit_id"], r["year"]) for r in table] == [("huyen", "2022"), ("huyen", "2023"),
                                                         ("xa", "2022"), ("xa", "2023"), ("cb", "2023")]
    xa_2023 = table[3]
    assert xa_2023["name"] == 'Đảng bộ xã Phú "Hòa, Mỹ"'
    assert (xa_2023["members"], xa_2023["members_source"]) == ("45", "rolled_up")
    assert (xa_2023["new_members"], xa_2023["new_members_source"]) == ("2", "given")
    assert (xa_2023["grassroots"], xa_2023["grassroots_source"]) == ("", "")
    assert xa_2023["parent_id"] == "huyen" and xa_2023["depth"] == "1"
    huyen_2023 = table[1]
    assert [huyen_2023[f"ratings[{label}]"] for label in SCALE] == ["1", "0", "0", "0"]
    assert (huyen_2023["ratings_total"], huyen_2023["ratings_source"]) == ("1", "given")
    assert (huyen_2023[f"member_ratings[{TOT}]"], huyen_2023["member_ratings_source"]) == ("40", "rolled_up")
    assert (huyen_2023["grassroots"], huyen_2023["grassroots_source"]) == ("1", "given")


def test_json_structure(files):
    data = json.loads(files[JSON_PATH].decode("utf-8"))
    assert data["version"] == 1 and data["rating_scale"] == list(SCALE)
    assert [u["id"] for u in data["units"]] == ["huyen", "empty", "xa", "cb"]
    xa = data["units"][2]
    assert (xa["parent"], xa["level"], xa["depth"], xa["children"]) == ("huyen", "commune", 1, ["cb"])
    assert xa["sub_units"] == {"branch": 1}
    year = xa["years"][1]
    assert year["year"] == 2023
    assert year["members"] == {"value": 45, "source": "rolled_up"}
    assert year["new_members"] == {"value": 2, "source": "given"}
    assert year["branches"] == {"value": 1, "source": "rolled_up"}
    assert year["grassroots"] == {"value": None, "source": None}
    assert year["member_ratings"] == {"source": "rolled_up", "total": 40, "counts": [
        {"label": XS, "value": 0}, {"label": TOT, "value": 40}, {"label": HT, "value": 0}, {"label": KHT, "value": 0}]}
    assert year["ratings"]["source"] is None and year["ratings"]["total"] is None
    assert data["units"][1]["years"] == []


def test_json_is_sorted_and_readable_utf8(files):
    text = files[JSON_PATH].decode("utf-8")
    assert "Đảng bộ" in text and text.endswith("\n")
    def sorted_pairs(pairs):
        assert [k for k, _ in pairs] == sorted(k for k, _ in pairs)
        return dict(pairs)
    json.loads(text, object_pairs_hook=sorted_pairs)
    lines = text.splitlines()
    assert len(lines) == 2 + 4  # one line per unit between the opening and closing lines
    assert lines[1].startswith('{"children":["empty","xa"]') and lines[-1] == '],"version":1}'


def test_output_is_deterministic():
    def build(order):
        units = tree(*[unit(u, None if u == "a" else "a", ys(2023, members=i + 1)) for i, u in order])
        return open_data_files(compute(units, SCALE), units, SCALE)
    assert build([(0, "a"), (1, "b"), (2, "c")]) == build([(2, "c"), (0, "a"), (1, "b")])
