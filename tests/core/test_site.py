"""Whole builds of a small tree: golden output, byte-identical rebuilds, atomic failures, input variants."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from bantin.problems import BuildFailed

from tests.support import snapshot

from .helpers import FIXED_NOW, GOLDEN, ROOT, build_tree, check_assets, every_file, names_once_settled, png, read_tree, tree_differences

BASIC = GOLDEN / "basic"


@pytest.fixture(scope="module")
def basic_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("basic") / "site"
    build_tree(BASIC / "content", out)
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.iterdir() if (p / "content").is_dir()))
def test_can_build_the_golden_site(name, tmp_path):
    """If this fails after an intended change: `python tests/regen_golden.py`, then review the diff."""
    build_tree(GOLDEN / name / "content", tmp_path / "site")
    actual, expected = read_tree(tmp_path / "site"), read_tree(GOLDEN / name / "expected")
    differences = tree_differences(actual, expected)
    assert not differences, differences
    assert check_assets(tmp_path / "site", [ROOT / "assets"]) == []


def test_can_copy_a_site_asset_over_a_built_in_one(tmp_path):
    (tmp_path / "assets/css").mkdir(parents=True)
    (tmp_path / "assets/css/site.css").write_text("body { color: #111; }\n", encoding="utf-8")
    (tmp_path / "assets/img").mkdir()
    (tmp_path / "assets/img/logo-tinh.png").write_bytes(b"\x89PNG not really")
    build_tree(BASIC / "content", tmp_path / "site", assets=tmp_path / "assets")
    assert check_assets(tmp_path / "site", [ROOT / "assets", tmp_path / "assets"]) == []
    css = [p.name for p in (tmp_path / "site/assets/css").glob("site.*.css")]
    assert len(css) == 1 and f'href="/assets/css/{css[0]}"'.encode() in (tmp_path / "site/index.html").read_bytes()
    assert (tmp_path / "site/assets/img/logo-tinh.png").is_file()


def test_can_honour_source_date_epoch(basic_site, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIXED_NOW.timestamp())))
    build_tree(BASIC / "content", tmp_path / "site", now=None)
    assert read_tree(tmp_path / "site") == read_tree(basic_site)


def test_can_rebuild_byte_for_byte(tmp_path):
    build_tree(BASIC / "content", tmp_path / "one")
    build_tree(BASIC / "content", tmp_path / "two")
    one, two = every_file(tmp_path / "one"), every_file(tmp_path / "two")
    assert one == two, tree_differences(two, one)


def test_can_rebuild_over_the_previous_output_with_the_same_bytes(basic_site, tmp_path):
    out = tmp_path / "site"
    build_tree(BASIC / "content", out)
    (out / "index.html").write_bytes(b"stale")  # hard links must not carry a stale file into the next build
    report = build_tree(BASIC / "content", out)
    assert report.unchanged > 0
    assert read_tree(out) == read_tree(basic_site)
    assert names_once_settled(tmp_path) == ["site"]


def test_can_publish_only_past_non_draft_articles(basic_site):
    articles = sorted(p.parent.relative_to(basic_site).as_posix() for p in basic_site.glob("tin-tuc/*/*/*/index.html"))
    assert articles == ["tin-tuc/2024/01/hoi-nghi-so-ket", "tin-tuc/2024/03/an-hoa-ket-nap"]
    everything = b"".join(every_file(basic_site).values()).decode("utf-8", "replace")
    assert "Bản nháp chưa đăng" not in everything and "Bài hẹn giờ đăng" not in everything


def test_can_include_drafts_and_future_articles_for_previews(tmp_path):
    build_tree(BASIC / "content", tmp_path / "site", drafts=True)
    assert (tmp_path / "site/tin-tuc/2024/02/ban-nhap/index.html").is_file()
    assert (tmp_path / "site/tin-tuc/2024/12/bai-tuong-lai/index.html").is_file()


# -- atomic output -------------------------------------------------------------------------

@pytest.mark.parametrize("template, text", [
    ("article.html", "{% extends 'base.html' %}{% block main %}{{ no_such_name }}{% endblock %}"),
    ("page.html", "{% if %}"),
    ("partials/card.html", "{{ card.title | no_such_filter }}"),
])
def test_errors_on_a_bad_template_override_leaving_the_previous_site(template, text, tmp_path):
    out = tmp_path / "site"
    build_tree(BASIC / "content", out)
    before = snapshot(out)
    override = tmp_path / "templates" / template
    override.parent.mkdir(parents=True)
    override.write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_tree(BASIC / "content", out, templates=tmp_path / "templates")
    assert any(template.rsplit("/", 1)[-1] in str(p) and "template error" in p.message for p in failed.value.problems), \
        failed.value.problems
    assert snapshot(out) == before
    assert names_once_settled(tmp_path) == ["site", "templates"]


def test_errors_on_bad_content_leaving_the_previous_site(tmp_path):
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(BASIC / "content", content)
    build_tree(content, out)
    before = snapshot(out)
    post = content / "posts/2024/an-hoa-ket-nap.md"
    post.write_text(post.read_text(encoding="utf-8").replace("category: tin-hoat-dong", "category: tin-hoat-dog"),
                    encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_tree(content, out)
    assert snapshot(out) == before
    assert names_once_settled(tmp_path) == ["content", "site"]


def test_can_override_one_template_and_keep_the_rest(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/robots.txt").write_text("User-agent: *\nDisallow: /nhap/\n", encoding="utf-8")
    build_tree(BASIC / "content", tmp_path / "site", templates=tmp_path / "templates")
    assert (tmp_path / "site/robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /nhap/\n"
    assert (tmp_path / "site/index.html").is_file()


# -- input variants ----------------------------------------------------------------------------

def _variant(content: Path, change) -> None:
    for path in content.rglob("*"):
        if path.suffix in (".md", ".yaml"):
            path.write_bytes(change(path.read_bytes()))


VARIANTS = {
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "nfd": lambda data: unicodedata.normalize("NFD", data.decode()).encode(),
    "bom-crlf-nfd": lambda data: b"\xef\xbb\xbf" + unicodedata.normalize("NFD", data.decode()).encode()
    .replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_can_read_bom_crlf_and_nfd_into_the_same_site(variant, basic_site, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(BASIC / "content", content)
    _variant(content, VARIANTS[variant])
    build_tree(content, tmp_path / "site")
    actual, expected = read_tree(tmp_path / "site"), read_tree(basic_site)
    differences = tree_differences(actual, expected)
    assert not differences, differences
    assert check_assets(tmp_path / "site", [ROOT / "assets"]) == []


_LOCAL_LINK = re.compile(rb'(?:href|src|action|content)="(/[^"/][^"]*|/)"')


@pytest.mark.parametrize("how", ["site.yaml", "option"])
def test_can_publish_under_a_sub_path(how, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(BASIC / "content", content)
    overrides = {}
    if how == "site.yaml":
        site = content / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8").replace("https://dangbo-chauthanh.example.vn/",
                                                                 "https://org.github.io/portal"), encoding="utf-8")
    else:
        overrides["base_url"] = "https://org.github.io/portal/"
    build_tree(content, tmp_path / "site", **overrides)
    files = every_file(tmp_path / "site")
    links = [(name, link) for name, data in files.items() if name.endswith(".html")
             for link in _LOCAL_LINK.findall(data)]
    assert len(links) > 100
    assert [(n, l) for n, l in links if not l.startswith(b"/portal/")] == []
    article = files["tin-tuc/2024/01/hoi-nghi-so-ket/index.html"]
    assert re.search(rb'src="/portal/media/2024/chi-bo-\d+w\.[0-9a-f]{10}\.png"', article)  # a resized copy
    assert b'href="https://org.github.io/portal/tin-tuc/2024/01/hoi-nghi-so-ket/"' in article
    assert b"https://dangbo-chauthanh.example.vn" not in b"".join(files.values())
    assert b"<loc>https://org.github.io/portal/tin-tuc/2024/01/hoi-nghi-so-ket/</loc>" in files["sitemap.xml"]


# -- the Markdown cache ------------------------------------------------------------------------

def test_can_reuse_cached_markdown_only_while_it_is_still_right(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache"
    shutil.copytree(BASIC / "content", content)
    build_tree(content, tmp_path / "first", cache_dir=cache)
    assert any(cache.rglob("*.pack"))
    (content / "media/2024/chi-bo.png").write_bytes(png(20, 10))  # the editor replaces the photo
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("language: vi", "language: en"), encoding="utf-8")
    build_tree(content, tmp_path / "cached", cache_dir=cache)
    build_tree(content, tmp_path / "fresh")
    cached, fresh = read_tree(tmp_path / "cached"), read_tree(tmp_path / "fresh")
    assert cached == fresh, tree_differences(cached, fresh)


def test_can_render_an_english_portal(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(BASIC / "content", content)
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("language: vi", "language: en"), encoding="utf-8")
    build_tree(content, tmp_path / "site")
    pages = {n: d.decode() for n, d in every_file(tmp_path / "site").items() if n.endswith(".html")}
    vietnamese_ui = ["Trang chủ", "Tin khác", "Xem tiếp", "Lưu trữ", "Tìm kiếm", "Chuyên mục", "Thứ Ba", "Đọc nhiều nhất"]
    assert [(n, w) for n, text in pages.items() for w in vietnamese_ui if w in text] == []
    assert all('<html lang="en"' in text for text in pages.values())
    assert "45,239" in pages["don-vi/chau-thanh/index.html"]
    assert "Tuesday, 9 January 2024 06:25" in pages["tin-tuc/2024/01/hoi-nghi-so-ket/index.html"]


def test_can_build_a_tree_with_only_site_yaml(tmp_path):
    from .helpers import write_tree
    content = write_tree(tmp_path / "content", {"site.yaml": "title: Cổng mới\nbase_url: https://x.vn/\n"})
    build_tree(content, tmp_path / "site")
    for name in ("index.html", "404.html", "don-vi/index.html", "luu-tru/index.html", "tim-kiem/index.html",
                 "feed.xml", "sitemap.xml", "robots.txt", "du-lieu/don-vi.json", "du-lieu/don-vi.csv"):
        assert (tmp_path / "site" / name).is_file(), name


def test_can_rebuild_after_an_edit_like_a_fresh_build(tmp_path):
    content, out, cache = tmp_path / "content", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(BASIC / "content", content)
    build_tree(content, out, cache_dir=cache)
    post = content / "posts/2024/an-hoa-ket-nap.md"
    post.write_text(post.read_text(encoding="utf-8").replace("kết nạp 7 đảng viên", "kết nạp 8 đảng viên")
                    .replace("tags: [Chi bộ bốn tốt]", "tags: [Phát triển đảng viên]"), encoding="utf-8")
    (content / "posts/2024/ban-nhap.md").unlink()
    report = build_tree(content, out, cache_dir=cache)
    assert report.unchanged > 0
    build_tree(content, tmp_path / "fresh")
    assert every_file(out).keys() - {"_bantin/build.json"} == every_file(tmp_path / "fresh").keys() - {"_bantin/build.json"}
    rebuilt, fresh = read_tree(out), read_tree(tmp_path / "fresh")
    assert rebuilt == fresh, tree_differences(rebuilt, fresh)
    assert not (out / "the/chi-bo-bon-tot/index.html").read_text(encoding="utf-8").count("8 đảng viên")


def test_can_use_a_media_file_whose_name_was_saved_as_nfd(tmp_path):
    from .helpers import minimal_files, write_tree
    nfd_name = unicodedata.normalize("NFD", "media/ảnh-hội-nghị.png")
    post = "---\ntitle: Ba\ndate: 2024-03-01\nimage: media/ảnh-hội-nghị.png\n---\n![Hội nghị](media/ảnh-hội-nghị.png)\n"
    content = write_tree(tmp_path / "content", minimal_files(**{"posts/bai-ba.md": post, nfd_name: png(4, 3)}))
    build_tree(content, tmp_path / "site")
    published = sorted(p.name for p in (tmp_path / "site/media").iterdir())
    assert len(published) == 2 and all(n.startswith("ảnh-hội-nghị-4w.") for n in published)  # NFC, as pages link
    html = (tmp_path / "site/tin-tuc/2024/03/bai-ba/index.html").read_text(encoding="utf-8")
    assert html.count('src="/media/ảnh-hội-nghị-4w.') == 2 and 'width="4" height="3"' in html


def test_can_preview_without_counting_on_the_production_counter(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(BASIC / "content", content)
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "counter:\n  endpoint: https://dem.example.vn\n",
                    encoding="utf-8")
    build_tree(content, tmp_path / "production")
    build_tree(content, tmp_path / "preview", counter_endpoint="")  # what `serve --no-counter` passes
    assert 'data-counter="https://dem.example.vn"' in (tmp_path / "production/index.html").read_text(encoding="utf-8")
    assert "data-counter" not in (tmp_path / "preview/index.html").read_text(encoding="utf-8")


def test_can_delete_the_replaced_build_in_the_background_and_finish_an_interrupted_deletion(tmp_path):
    out = tmp_path / "site"
    build_tree(BASIC / "content", out)
    build_tree(BASIC / "content", out)
    assert names_once_settled(tmp_path) == ["site"]
    interrupted = tmp_path / ".site.old-1-2"  # a deletion killed with its process
    shutil.copytree(out, interrupted)
    build_tree(BASIC / "content", out)
    assert names_once_settled(tmp_path) == ["site"]
