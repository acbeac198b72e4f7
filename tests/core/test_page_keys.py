"""Pages whose inputs did not change are linked from the previous build, not rendered again."""

from __future__ import annotations

import shutil

import jinja2
import pytest

from .helpers import CORE, build_tree, read_tree, tree_differences

BASIC = CORE / "golden" / "basic"


@pytest.fixture
def renders(monkeypatch):
    """The site paths of the pages rendered by the builds in this test (one process: jobs=1)."""
    rendered: list[str] = []
    original = jinja2.Template.render

    def counting(self, *args, **kwargs):
        context = args[0] if args else kwargs
        if isinstance(context, dict) and isinstance(context.get("page"), dict):
            rendered.append(context["page"]["path"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    return rendered


@pytest.fixture
def tree(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(BASIC / "content", content)
    return content, tmp_path / "site", tmp_path / "cache"


def test_can_skip_rendering_every_page_when_nothing_changed(tree, renders):
    content, out, cache = tree
    first = build_tree(content, out, cache_dir=cache)
    assert len(renders) == first.pages
    renders.clear()
    second = build_tree(content, out, cache_dir=cache)
    assert renders == []
    assert second.written == 0 and second.unchanged > first.pages


def test_can_render_only_the_pages_an_edit_touches(tree, renders, tmp_path):
    content, out, cache = tree
    first = build_tree(content, out, cache_dir=cache)
    post = content / "posts/2024/an-hoa-ket-nap.md"
    post.write_text(post.read_text(encoding="utf-8").replace("kết nạp 7 đảng viên", "kết nạp 8 đảng viên"),
                    encoding="utf-8")
    renders.clear()
    build_tree(content, out, cache_dir=cache)
    assert "/tin-tuc/2024/03/an-hoa-ket-nap/" in renders
    assert "/don-vi/" not in renders and len(renders) < first.pages
    build_tree(content, tmp_path / "fresh")
    assert read_tree(out) == read_tree(tmp_path / "fresh"), tree_differences(read_tree(out), read_tree(tmp_path / "fresh"))


@pytest.mark.parametrize("edit", ["template", "site.yaml"])
def test_can_render_every_page_again_when_what_all_pages_share_changes(tree, renders, tmp_path, edit):
    content, out, cache = tree
    first = build_tree(content, out, cache_dir=cache)
    templates = tmp_path / "templates"
    if edit == "template":
        templates.mkdir()
        base = (CORE.parent.parent / "templates" / "base.html").read_text(encoding="utf-8")
        (templates / "base.html").write_text(base.replace("</body>", "<!-- site's own -->\n</body>"),
                                             encoding="utf-8")
    else:
        site = content / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8").replace("title: ", "title: Mới – ", 1), encoding="utf-8")
    renders.clear()
    build_tree(content, out, cache_dir=cache, templates=templates if edit == "template" else None)
    assert len(renders) == first.pages
    if edit == "template":
        assert "<!-- site's own -->" in (out / "index.html").read_text(encoding="utf-8")


def test_can_repair_a_page_changed_in_the_output_by_hand(tree, renders):
    content, out, cache = tree
    build_tree(content, out, cache_dir=cache)
    page = out / "index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"</body>", "<p>sửa tay</p></body>".encode()))
    renders.clear()
    build_tree(content, out, cache_dir=cache)
    assert renders == ["/"]
    assert page.read_bytes() == good
