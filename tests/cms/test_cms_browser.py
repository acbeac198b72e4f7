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
    page.wait_for_selector("#title-field-1", timeout=30_000)
    return context, page


def pick(page, field: str, text: str) -> None:
    page.click(f"#{field}")
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
        page.fill("#title-field-1", TITLE)
        page.fill("#date-field-2", "2025-05-20T09:30")
        pick(page, "unit-field-3", "Định Mỹ")
        pick(page, "category-field-4", "Tin hoạt động")
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
        pick(page, "unit-field-3", "Định Mỹ")
        page.locator("[data-slate-editor]").click()
        page.keyboard.type("Bài chưa có tiêu đề.")
        publish(page)
        page.get_by_text("Tiêu đề bắt buộc nhập.").wait_for(timeout=15_000)
    finally:
        context.close()
    assert sorted(Path(content, "posts").rglob("*.md")) == before
