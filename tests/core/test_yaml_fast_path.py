"""The fast paths of YAML reading must give exactly what PyYAML gives, or step aside.

bantin.source.parse reads simple front matter itself (_simple_yaml), and builds plain data from PyYAML's
composed nodes itself (_Builder) instead of through PyYAML's constructor. These tests read the same
texts both ways: whenever a fast path answers, its data (values, types, key order), lines and duplicate
keys must equal PyYAML's, and it must never answer a text that PyYAML rejects.
"""

from __future__ import annotations

import unicodedata

import pytest
import yaml as pyyaml_module
from hypothesis import example, given, settings, strategies as st

from bantin.source.parse import _LOADERS, LineDict, LineList, SourceError, _Builder, _pyyaml, _simple_yaml, parse_yaml

from .helpers import ROOT


def shape(value):
    """Everything the loader may look at, as comparable plain data: types, lines, order."""
    if isinstance(value, LineDict):
        return ("map", value.line, list(value.key_lines.items()), [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, LineList):
        return ("seq", value.line, list(value.item_lines), [shape(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def pyyaml(text: str, first_line: int):
    """("ok", shape, duplicates) or ("error", problem) as PyYAML reads the text."""
    try:
        data, duplicates = _pyyaml(text, "x.md", first_line)
    except SourceError as err:
        return ("error", str(err.problem))
    return ("ok", shape(data), list(duplicates))


def assert_same(text: str, first_line: int = 2) -> bool:
    """Compare both readings; True when the fast path answered."""
    fast = _simple_yaml(text, first_line)
    if fast is None:
        return False
    data, duplicates = fast
    assert ("ok", shape(data), duplicates) == pyyaml(text, first_line), repr(text)
    return True


# Front matter the fast path must take (and get right): what editors write every day.
SIMPLE = [
    "title: Chi bộ ấp An Mỹ nâng cao chất lượng dân vận khéo\ndate: 2021-12-14 10:00\nunit: an-my\n"
    "category: hoc-tap-lam-theo-bac\ntags: [Kết nạp đảng viên, Hội Nông dân]\nauthor: Ngô Minh Tâm\n",
    "title: 'Nói ''không'' với tham nhũng'\ndate: \"2024-01-09 06:25\"\n",
    "title: Hội nghị [mở rộng], lần 2 - năm 2024\nsummary: Tỷ lệ 95%, đạt {chỉ tiêu}\n",
    "title: A\n\n# a comment line\ndraft: true\nmenu: 3\nratio: 1.5\nempty:\nnothing: ~\n",
    "title: A\ntitle: B\n",                          # duplicate key: reported, the later value wins
    "tags: []\nimage: media/2024/anh.jpg\nsource: https://nhandan.vn/bai-viet?id=5\n",
    "tags: [2024, yes, null, 0x1F, 1_000, .5, Chỉ thị 05]\n",
    "date: 2024-01-09T06:25:00+07:00\nslug: bai-viet-1\n",
    "draft: no\nflag: On\nn: 5\nf: +1.5e+3\nold: 0o17\noct: 017\nsexa: 1:30\n",
    "title: C# và F#\nurl: a:b\nemail: x@y.vn\nnote: 100% đúng\n",
    "\n\ntitle: starts after blank lines\n",
    "# comment first\ntitle: A\n",
    "title: \u00a0non-breaking space\u00a0\n",
    # NFD (macOS) text: values come out NFC, as PyYAML's constructors make them
    "title: Tie\u0302\u0301ng Vie\u0323t\ntags: [Vie\u0323t, Nam]\nsource: 'Ba\u0301o'\nx: \"Đa\u0309ng\"\n",
]

# Texts the fast path must leave to PyYAML (some valid, some errors).
NOT_SIMPLE = [
    "title: A # comment\n", "summary: |\n  line one\n  line two\n", "tags:\n  - a\n  - b\n", "tags:\n- a\n",
    "title: a: b\n", "title: a:\n", "title:\tA\n", "title: A\n  continued\n", "title: &x A\nother: *x\n",
    "title: !!str 5\n", "title: \"esc\\\"aped\"\n", "title: 'unclosed\n", "tags: [a, [b]]\n", "tags: [a,]\n",
    "tags: [a, b\n", "tags: {a: 1}\n", "<<: {a: 1}\n", "true: x\n", "null: x\n", "on: x\n", "title: =\n",
    "- a\n", "just text\n", "", "# only a comment\n", "title : A\n", "  title: A\n", "title:A\n",
    "%YAML 1.1\n", "title: -x\n", "title: ?x\n", "tiêu đề: A\n", "title: a\u2028b\n", "title: a\x85b\n",
    "title: \ufeffA\n", "title: a\x07b\n", "tags: [a: b]\n", "tags: [Tại sao?]\n",
]


@pytest.mark.parametrize("text", SIMPLE)
def test_reads_simple_front_matter_as_pyyaml_does(text):
    assert assert_same(text), f"the fast path should read {text!r}"
    assert assert_same(text, first_line=1)


@pytest.mark.parametrize("text", NOT_SIMPLE)
def test_leaves_anything_else_to_pyyaml(text):
    assert _simple_yaml(text, 2) is None


def test_reports_duplicate_keys_with_lines_like_pyyaml():
    data, problems = parse_yaml("title: A\ndate: x\ntitle: B\n", "posts/a.md", first_line=2)
    assert data == {"title": "B", "date": "x"} and list(data) == ["title", "date"]
    assert [(p.line, p.field, p.message) for p in problems] == [(4, "title", "this key appears twice")]


def test_reads_every_front_matter_of_the_repository_as_pyyaml_does():
    # Fixtures, the sample site and golden trees: real files written by hand.
    checked = 0
    for path in sorted(ROOT.glob("**/*.md")):
        if ".venv" in path.parts or "node_modules" in path.parts or "corpus-" in str(path):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.startswith("---\n") or "\n---" not in text[3:]:
            continue
        front = text[4:text.index("\n---", 3) + 1]
        checked += assert_same(front)
    assert checked >= 10


# Random lines built from the characters that matter to YAML's grammar and resolvers.
_TRICKY = list(":#'\",[]{}?!&*|>%@`~=<\\\t\u2028-+_.") + ["e", "NULL", "true", "On", ".inf", "0x", "0o"]
# Plain characters weigh more, so that a good share of the texts is simple enough for the fast path.
_CHARS = st.sampled_from(list("aZyn ệĐx0159 \u00a0") * 8 + _TRICKY + ["\u0301", "e\u0301", "\u0323"])
_KEYS = st.sampled_from(["title", "date", "tags", "_x", "a-b", "Y", "x1"] * 3 + ["null", "true", "on", "tiêu", "1"])
_VALUES = st.lists(_CHARS, max_size=8).map("".join)
_FLOW = st.lists(_VALUES, max_size=4).map(lambda items: "[" + ",".join(items) + "]")
_LINES = st.tuples(_KEYS, st.sampled_from([": "] * 6 + [":", ":  ", " : "]),
                   st.one_of(_VALUES, _FLOW, _VALUES.map(lambda v: f"'{v}'"), _VALUES.map(lambda v: f'"{v}"'))
                   ).map("".join)
_OTHER_LINES = st.sampled_from(["", "  ", "# note", "  - item", "  more"])
_TEXTS = st.lists(st.one_of(_LINES, _LINES, _LINES, _OTHER_LINES), min_size=1, max_size=6).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
@example("title: x\ntitle: 'y'\n")
@example("tags: [ a , b ]\n")
def test_reads_random_key_value_lines_as_pyyaml_does(text):
    assert_same(text)
    assert_same(text, first_line=1)


def test_takes_the_fast_path_for_everyday_values():
    # Guard against a fast path that silently stopped answering: the property above would still pass.
    simple = [f"title: {word}\ntags: [{word}, b]\ndraft: {flag}\n"
              for word in ("Chi bộ", "1.5", "0x1F", "Tin 24/7", "ấp (khóm)") for flag in ("true", "no")]
    assert all(assert_same(text) for text in simple)


# -- Building data from composed nodes -------------------------------------------------------------

def constructed(text: str, first_line: int):
    """What PyYAML's constructor (with our line-keeping constructors) makes of the text."""
    loader = _LOADERS[first_line](text)
    loader.duplicates = []
    try:
        return ("ok", shape(loader.get_single_data()), list(loader.duplicates))
    except (pyyaml_module.YAMLError, RecursionError, ValueError) as err:
        return ("error", type(err).__name__, str(err))
    finally:
        loader.dispose()


def built(text: str, first_line: int):
    """What _Builder makes of the composed nodes, or None when it steps aside."""
    loader = _LOADERS[first_line](text)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            data = _Builder(loader, first_line, unicodedata.is_normalized("NFC", text)).build(node)  # as _pyyaml
        except Exception:  # noqa: BLE001 - stepping aside, as _pyyaml does
            return None
        return ("ok", shape(data), list(loader.duplicates))
    except pyyaml_module.YAMLError:
        return None
    finally:
        loader.dispose()


def assert_built_same(text: str, first_line: int = 1) -> bool:
    mine = built(text, first_line)
    if mine is None:
        return False
    assert mine == constructed(text, first_line), repr(text)
    return True


UNIT = """\
name: Chi bộ khóm Quới Thuận
level: branch
parent: hiep-phu
description: |
  Dòng một.

  Dòng hai: có dấu hai chấm.
stats:
- year: 2016
  members: 45
  ratings:
    Hoàn thành tốt nhiệm vụ: 1
  member_ratings: {Hoàn thành xuất sắc nhiệm vụ: 9, Hoàn thành nhiệm vụ: 0x4}
- year: 2017
  members: 46
  year: 2018
  flag: yes
  ratio: .5
  none: ~
"""

BUILT = [UNIT, "ti\u0301tle: Vie\u0323t\nx: \"e\\u0301\"\ny: 'a\u0301'\nz: |\n  e\u0301\n", "x: \"e\\u0301\"\n",
         '"k\\u0301": v\n', "a: [1, [2, {b: c}]]\n", "- a\n- b: 1\n  b: 2\n", "x: 'quoted'\ny: \"esc\\tape\"\n", "5\n",
         "a:\n  b:\n    c: [x, y]\n"]
# The constructor must decide these: aliases, tags, merge keys, non-text keys, cycles.
NOT_BUILT = ["a: &x [1]\nb: *x\n", "a: &x {k: 1}\nb: *x\n", "a: !!binary aGk=\n", "<<: {a: 1}\nb: 2\n",
             "base: &b {a: 1}\nx:\n  <<: *b\n", "1: a\n", "true: a\n", "? [a]\n: b\n", "&a [*a]\n", "a: !!set {x}\n",
             "a: !!timestamp 2024-01-09\n", "a: !custom x\n", "= : x\n", "a: !!str [x]\n", "a: !!float abc\n"]


@pytest.mark.parametrize("text", BUILT)
def test_builds_plain_data_as_the_constructor_does(text):
    assert assert_built_same(text) and assert_built_same(text, first_line=2)


@pytest.mark.parametrize("text", NOT_BUILT)
def test_leaves_tags_aliases_and_merges_to_the_constructor(text):
    assert built(text, 1) is None
    # and _pyyaml, which steps back to the constructor, gives what the constructor gives
    expected = constructed(text, 1)
    try:
        data, duplicates = _pyyaml(text, "x.yaml", 1)
        assert ("ok", shape(data), list(duplicates)) == expected
    except SourceError:
        assert expected[0] == "error"
    except (RecursionError, ValueError) as err:
        assert expected[:2] == ("error", type(err).__name__)


def test_builds_every_yaml_file_of_the_repository_as_the_constructor_does():
    checked = 0
    for path in sorted(ROOT.glob("**/*.y*ml")):
        if {".venv", "node_modules", ".github", ".git"} & set(path.parts) or "corpus-" in str(path):
            continue
        checked += assert_built_same(path.read_text(encoding="utf-8", errors="replace"))
    assert checked >= 10


_SCALARS = st.one_of(st.text(alphabet="aĐệ :#'\"-?[]{},!&*|>%@`~=<.0159xe\\\n\t\u00a0\u0301", max_size=10), st.integers(),
                     st.floats(allow_nan=False), st.booleans(), st.none())
_DATA = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(alphabet="ab: -Đ", min_size=1, max_size=4), inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(_DATA, st.sampled_from([None, True, False]), st.sampled_from([None, "'", '"', "|"]))
def test_builds_random_documents_as_the_constructor_does(data, flow, style):
    text = pyyaml_module.safe_dump(data, default_flow_style=flow, default_style=style, allow_unicode=True)
    assert_built_same(text)
