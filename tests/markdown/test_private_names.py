"""No module of bantin but the Markdown accelerator touches another package's private names.

A grep for `._name` would flag bantin's own attributes everywhere, so the check reads the syntax
tree instead: an underscore name used on an object (`x._name`, `getattr(x, "_name")`) or imported
from another package is someone else's private unless bantin itself defines that name somewhere
(a function, class, attribute or variable). Name-mangled names (`_Class__name`) and Python-Markdown's
registry internals (`._priority`, `._sort`) are flagged whoever defines them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BANTIN = Path(__file__).resolve().parents[2] / "bantin"
QUARANTINE = BANTIN / "render" / "markdown_accel.py"
# Underscore names that are documented public API of the standard library.
DOCUMENTED = {"_exit", "_asdict", "_replace", "_fields", "_make", "_field_defaults"}
_MANGLED = re.compile(r"_[A-Z][A-Za-z0-9]*__[a-z]\w*\Z")
_ALWAYS_PRIVATE = {"_priority", "_sort", "_data"}


def defined_names(trees: list[ast.AST]) -> set[str]:
    """Every name bantin gives to something of its own (attributes: those it sets on self or cls)."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.ImportFrom) and node.level:   # relative: bantin's own module
                names.update(alias.asname or alias.name for alias in node.names)
    return names


def foreign_private_uses(tree: ast.AST, own: set[str]) -> list[tuple[int, str]]:
    """(line, name) of each use of another package's private name in `tree`."""
    found = []
    for node in ast.walk(tree):
        for line, name in _underscore_uses(node):
            if _MANGLED.match(name) or name in _ALWAYS_PRIVATE or (name not in own and name not in DOCUMENTED):
                found.append((line, name))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _MANGLED.match(node.name):
            found.append((node.lineno, node.name))
    return sorted(found)


def _underscore_uses(node: ast.AST) -> list[tuple[int, str]]:
    if isinstance(node, ast.Attribute) and _private(node.attr):
        return [(node.lineno, node.attr)]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)):
        return [(node.lineno, node.args[1].value)]
    if isinstance(node, ast.ImportFrom) and not node.level and not (node.module or "").startswith("bantin"):
        return [(node.lineno, alias.name) for alias in node.names if _private(alias.name)]
    return []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _trees() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in sorted(BANTIN.rglob("*.py"))}


def test_touches_no_private_name_of_another_package_outside_the_accelerator():
    trees = _trees()
    own = defined_names(list(trees.values()))
    found = {str(path.relative_to(BANTIN)): uses for path, tree in trees.items()
             if path != QUARANTINE and (uses := foreign_private_uses(tree, own))}
    assert found == {}


def test_finds_the_private_names_the_accelerator_uses():
    trees = _trees()
    names = {name for _, name in foreign_private_uses(trees[QUARANTINE], defined_names(list(trees.values())))}
    assert {"_InlineProcessor__handleInline", "_InlineProcessor__applyPattern", "_priority", "_sort"} <= names


def test_finds_private_names_however_they_are_reached():
    snippet = ast.parse(
        "from markdown.util import _private_helper\n"
        "registry._sort()\n"
        "items = registry._priority\n"
        "md.parser._state = []\n"
        "value = getattr(md, '_hidden')\n"
        "class Fast(InlineProcessor):\n"
        "    def _InlineProcessor__handleInline(self, data): ...\n"
        "self._own = 1\n"
        "print(self._own)\n")
    own = defined_names(list(_trees().values()) + [snippet])
    assert foreign_private_uses(snippet, own) == [
        (1, "_private_helper"), (2, "_sort"), (3, "_priority"), (4, "_state"), (5, "_hidden"),
        (7, "_InlineProcessor__handleInline")]
