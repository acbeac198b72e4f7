"""The web editing room in Chromium against `build.py serve`: an editor writes an article with a
unit, a category and an image, and the portal shows it; a form the build would reject is not saved."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support import run_cli

from .conftest import fetch, wait_for

TITLE = "Đảng bộ xã Định Mỹ đón nhận cờ thi đua của Tỉnh ủy"
SLUG = "dang-bo-xa-dinh-my-don-nhan-co-thi-dua-cua-tinh-uy"


def open_new_article(browser, base: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(base + "/admin/#/collections/posts/new")
    page.get_by_role("button", name="Đăng nhập").click()  # the local backend needs no account
    page.wait_for_selector(field("title"), timeout=30_000)
    return context, page


def field(name: str) -> str:
    """The input of a form field (Decap numbers the ids in form order: `title-field-1`)."""
    return f"[id^='{name}-field-']"


def pick(page, name: str, text: str) -> None:
    page.click(field(name))
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def publish(page) -> None:
    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Công bố ngay").click()


def test_an_editor_writes_an_article_with_an_image_and_the_portal_shows_it(room, browser, tmp_path):
    base, content = room
    picture = tmp_path / "co-thi-dua.png"
    from PIL import Image
    Image.new("RGB", (80, 60), (200, 30, 30)).save(picture)
    context, page = open_new_article(browser, base)
    try:
        page.fill(field("title"), TITLE)
        page.fill(field("date"), "2025-05-20T09:30")
        pick(page, "unit", "Định Mỹ")
        pick(page, "category", "Tin hoạt động")
        page.get_by_role("button", name="Chọn một hình").click()
        page.set_input_files("input[type=file]", str(picture))
        page.get_by_role("button", name="Lấy những cái đã chọn").click()
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Sáng 20/5, Đảng bộ xã đón nhận cờ thi đua xuất sắc.")
        publish(page)
        saved = content / "posts" / "2025" / f"{SLUG}.md"
        wait_for(saved.is_file, "the article file in content/posts/2025/")
    finally:
        context.close()

    text = saved.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: " + TITLE + "\n")
    assert re.search(r"^date: 2025-05-20 \d\d:30\+07:00$", text, re.M)  # the site's zone, with its offset
    assert "\nunit: dinh-my\n" in text and "\ncategory: tin-hoat-dong\n" in text
    image = re.search(r"^image: (media/2025/\S+\.png)$", text, re.M)
    assert image and (content / image[1]).is_file()
    assert "_bantin" not in text  # the form's helper fields are never written
    checked = run_cli("check", "--content", str(content), cwd=content.parent)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    def article_path() -> str | None:
        pages = json.loads(fetch(base + "/_bantin/pages.json")[1])["pages"]
        return next((p["path"] for p in pages if p["title"] == TITLE), None)

    path = wait_for(article_path, "the rebuilt site to list the article")
    status, html = fetch(base + path)
    assert status == 200 and TITLE in html and "đón nhận cờ thi đua xuất sắc" in html
    assert path.endswith(f"/{SLUG}/")


def test_an_article_without_a_title_is_not_saved_and_the_message_is_vietnamese(room, browser):
    base, content = room
    before = sorted(Path(content, "posts").rglob("*.md"))
    context, page = open_new_article(browser, base)
    try:
        pick(page, "unit", "Định Mỹ")
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Bài chưa có tiêu đề.")
        publish(page)
        page.get_by_text("Tiêu đề bắt buộc nhập.").wait_for(timeout=15_000)
    finally:
        context.close()
    assert sorted(Path(content, "posts").rglob("*.md")) == before


def test_saving_an_existing_article_changes_only_what_the_editor_changed(room, browser):
    base, content = room
    article = sorted((content / "posts" / "2024").glob("*.md"))[0]
    before = article.read_text(encoding="utf-8").split("\n")
    author = next(line for line in before if line.startswith("author: "))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{base}/admin/#/collections/posts/entries/2024/{article.stem}")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector(field("author"), timeout=30_000)
        page.fill(field("author"), "Tổ biên tập Đảng bộ huyện")
        publish(page)
        wait_for(lambda: "Tổ biên tập Đảng bộ huyện" in article.read_text(encoding="utf-8"), "the saved article")
    finally:
        context.close()
    after = article.read_text(encoding="utf-8").split("\n")
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert len(after) == len(before)
    assert (author, "author: Tổ biên tập Đảng bộ huyện") in changed
    assert all(old == author or old.startswith("date: ") for old, _ in changed)  # the date only gains its offset


def test_what_only_the_build_can_see_is_refused_with_the_check_message_in_vietnamese(room, browser):
    base, content = room
    taken = "cham-lo-tet-cho-ho-ngheo-gia-dinh-chinh-sach-khong-de-ai-thieu-tet"  # /tin-tuc/2024/02/<slug>/
    before = sorted(Path(content).rglob("*.md"))
    context, page = open_new_article(browser, base)
    try:
        page.fill(field("title"), "Bài mới trùng địa chỉ với bài cũ")
        page.fill(field("date"), "2024-02-10T10:00")
        page.fill(field("slug"), taken)
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Nội dung.")
        publish(page)
        toast = page.get_by_text("Chưa lưu: nội dung có lỗi mà `build.py check` sẽ từ chối.", exact=False)
        toast.wait_for(timeout=30_000)
        message = toast.inner_text()
        assert f"/tin-tuc/2024/02/{taken}/" in message and ".bantin-serve" not in message
    finally:
        context.close()
    assert sorted(Path(content).rglob("*.md")) == before


def test_a_new_unit_is_named_like_build_py_new_unit_names_it(room, browser):
    base, content = room
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(base + "/admin/#/collections/units/new")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector(field("name"), timeout=30_000)
        page.fill(field("name"), "Chi bộ ấp Đông Bình")
        pick(page, "level", "Chi bộ")
        pick(page, "parent", "Định Mỹ")
        publish(page)
        saved = content / "units" / "chi-bo-ap-dong-binh.yaml"
        wait_for(saved.is_file, "the unit file")
    finally:
        context.close()
    assert saved.read_text(encoding="utf-8") == "name: Chi bộ ấp Đông Bình\nlevel: branch\nparent: dinh-my\n"
    assert run_cli("check", "--content", str(content), cwd=content.parent).returncode == 0
