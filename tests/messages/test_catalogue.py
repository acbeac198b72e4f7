"""The message catalogue stays whole: every msg("…") in bantin is in bantin.pot, has a Vietnamese
translation with the same {fields}, and the committed .mo is the compiled .po (no network: Babel's
Python API does what `pybabel extract` and `pybabel compile` do)."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

babel = pytest.importorskip("babel", reason="Babel is a development requirement (requirements-dev.txt)")
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.mofile import read_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from bantin.messages import LOCALE_DIR  # noqa: E402
from tests.support import ROOT  # noqa: E402

PACKAGE = ROOT / "bantin"
PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "bantin.po"
MO = PO.with_suffix(".mo")
POT = LOCALE_DIR / "bantin.pot"
FIX = ("run the Babel commands of docs/developer-guide.md (Messages in Vietnamese and English): "
       "extract, update, translate, compile")


def read(path: Path):
    with path.open("rb") as handle:
        return read_mo(handle) if path.suffix == ".mo" else read_po(handle)


def in_code() -> set[str]:
    """The templates of every msg("…") call in bantin, found the way `pybabel extract -k msg` finds them."""
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords={"msg": None})
    return {message for _, _, message, _, _ in found}


def translations(catalog) -> dict[str, str]:
    return {m.id: m.string for m in catalog if m.id}


def fields(text: str) -> list[str]:
    return sorted(f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def test_the_template_lists_every_message_in_the_code_and_nothing_else():
    code, template = in_code(), set(translations(read(POT)))
    assert len(code) > 150
    assert sorted(code - template) == [], f"messages missing from bantin.pot: {FIX}"
    assert sorted(template - code) == [], f"bantin.pot lists messages no longer in the code: {FIX}"


def test_every_message_has_a_vietnamese_translation():
    po = read(PO)
    vietnamese = translations(po)
    missing = sorted(m for m in in_code() if not vietnamese.get(m, "").strip())
    assert missing == [], f"untranslated: {FIX}"
    assert [m.id for m in po if m.id and m.fuzzy] == [], "fuzzy translations are not used: review them and drop #, fuzzy"


def test_translations_fill_in_the_same_fields_as_the_english():
    for english, vietnamese in translations(read(PO)).items():
        assert fields(vietnamese) == fields(english), (english, vietnamese)


def test_the_committed_mo_is_the_compiled_po():
    assert translations(read(MO)) == {k: v for k, v in translations(read(PO)).items() if v}, \
        "bantin.mo is stale: pybabel compile -d bantin/locale -D bantin"


def test_every_msg_call_has_a_literal_template():
    """Babel skips `msg(variable)` and `msg(f"…")` silently: such a message would never be translated."""
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg"
                    and not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []


# Where editors' messages are made, and which arguments of which calls are texts an editor reads.
# (bantin/admin/cmsconfig.py writes the CMS's Vietnamese form labels and hints: not messages of the CLI.)
CHECKED = [*(PACKAGE / d for d in ("source", "site", "render", "output", "dev")), PACKAGE / "admin" / "files.py",
           PACKAGE / "pipeline.py", PACKAGE / "cli.py", PACKAGE / "problems.py"]
TEXT_ARGUMENTS = {"Problem": (3, 4), "error": (1, 2), "_Refused": (0, 1), "_warning": (4, 5)}


def plain_texts(tree: ast.AST) -> list[int]:
    """Lines where a problem's message or hint is written as a plain string or f-string, not msg()."""
    def is_plain(node: ast.AST) -> bool:
        return (isinstance(node, ast.JoinedStr)
                or isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != "")

    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        positions = TEXT_ARGUMENTS.get(name, ())
        texts = [arg for i, arg in enumerate(node.args) if i in positions]
        texts += [k.value for k in node.keywords if k.arg in ("message", "hint")]
        lines += [node.lineno for text in texts if is_plain(text)]
    return lines


def test_problems_are_written_with_msg_so_they_can_be_translated():
    """A message written as a plain string would reach Vietnamese editors in English."""
    files = sorted(p for item in CHECKED for p in ([item] if item.is_file() else item.rglob("*.py")))
    plain = [f"{path.relative_to(ROOT)}:{line}" for path in files
             for line in plain_texts(ast.parse(path.read_text(encoding="utf-8")))]
    assert plain == [], "wrap these texts in msg(…) and add them to the catalogue: " + FIX


def test_the_check_for_plain_texts_finds_them():
    tree = ast.parse('Problem(p, 1, "f", f"bad {x}", "fix it")\nf.error("k", msg("ok"), hint="fix")\n'
                     'f.text("k", hint=msg("fine"))\nProblem(p, 0, "", msg("ok"), "")')
    assert plain_texts(tree) == [1, 1, 2]
