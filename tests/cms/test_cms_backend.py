"""The local backend of the web editing room: it reads and writes only inside content/, and refuses
a save that `build.py check` would reject, with a Vietnamese message."""

from __future__ import annotations

import base64
import json
import os

import pytest

from bantin.dev.cms_backend import LocalBackend, Refused
from bantin.dev.cms_check import SaveCheck
from tests.support import copy_sample

from .conftest import fetch

GOOD = "---\ntitle: Chi bộ ấp Phú Hữu họp mặt\ndate: 2025-05-20 09:30+07:00\nunit: dinh-my\n---\nNội dung.\n"


@pytest.fixture
def backend(tmp_path):
    content = copy_sample(tmp_path)
    (tmp_path / "secret.md").write_text("---\ntitle: bí mật\n---\n", encoding="utf-8")
    return LocalBackend(content, SaveCheck(content, tmp_path / "work"))


def persist(backend, path: str, raw: str, assets=()):
    return backend.handle({"action": "persistEntry", "params": {
        "branch": "main", "dataFiles": [{"slug": "x", "path": path, "raw": raw}], "assets": list(assets),
        "options": {"commitMessage": "x", "useWorkflow": False, "status": ""}}})


@pytest.mark.parametrize("path", ["content/../secret.md", "../secret.md", "/etc/passwd", "secret.md",
                                  "content/posts/../../secret.md", "content\\..\\secret.md", "content/.git/config",
                                  "content/posts/./2025", ""])
def test_paths_outside_the_content_folder_are_refused(backend, path):
    with pytest.raises(Refused) as refused:
        backend.handle({"action": "getEntry", "params": {"path": path}})
    assert refused.value.status == 403


@pytest.mark.parametrize("path", ["content/site.yaml", "content/posts/2025/x.py", "content/units/x.md",
                                  "content/templates/base.html", "content/posts.md"])
def test_only_files_the_spec_has_in_a_folder_can_be_written(backend, path):
    with pytest.raises(Refused):
        persist(backend, path, GOOD)
    assert not (backend.root / path.removeprefix("content/")).is_file() or path == "content/site.yaml"


def test_symbolic_links_are_never_followed(backend, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "bai.md").write_text(GOOD, encoding="utf-8")
    os.symlink(outside, backend.root / "posts" / "zz-link-out")
    os.symlink(tmp_path / "secret.md", backend.root / "posts" / "zz-secret-link.md")
    for path in ("content/posts/zz-link-out/bai.md", "content/posts/zz-secret-link.md"):
        with pytest.raises(Refused):
            backend.handle({"action": "getEntry", "params": {"path": path}})
    with pytest.raises(Refused):
        persist(backend, "content/posts/zz-link-out/moi.md", GOOD)
    listed = backend.handle({"action": "entriesByFolder",
                             "params": {"folder": "content/posts", "extension": "md", "depth": 3}})
    assert listed and not any("zz-link-out" in e["file"]["path"] or "zz-secret-link" in e["file"]["path"] for e in listed)
    assert not (outside / "moi.md").exists()


def test_a_good_article_and_its_image_are_saved(backend):
    image = {"path": "content/media/2025/anh.png", "content": base64.b64encode(b"\x89PNG fake").decode(),
             "encoding": "base64"}
    persist(backend, "content/posts/2025/hop-mat.md", GOOD.replace("Nội dung.", "![ảnh](media/2025/anh.png)"),
            [image])
    assert (backend.root / "posts/2025/hop-mat.md").read_text(encoding="utf-8").startswith("---\ntitle: Chi bộ")
    assert (backend.root / "media/2025/anh.png").read_bytes() == b"\x89PNG fake"
    entry = backend.handle({"action": "getEntry", "params": {"path": "content/posts/2025/hop-mat.md"}})
    assert entry["file"]["path"] == "content/posts/2025/hop-mat.md" and "Chi bộ ấp Phú Hữu" in entry["data"]


@pytest.mark.parametrize("raw, expected", [
    (GOOD.replace("title: Chi bộ ấp Phú Hữu họp mặt\n", ""), "Tiêu đề (`title`): thiếu trường bắt buộc — thêm `title: …`"),
    (GOOD.replace("unit: dinh-my", "unit: dinh-myy"), "Đơn vị (`unit`): đơn vị `dinh-myy` không tồn tại — có phải ý bạn là `dinh-my`?"),
    (GOOD.replace("2025-05-20 09:30+07:00", "20/05/2025"), "Ngày đăng (`date`): không đọc được ngày"),
])
def test_what_check_would_reject_is_not_saved(backend, raw, expected):
    with pytest.raises(Refused) as refused:
        persist(backend, "content/posts/2025/hop-mat.md", raw)
    assert refused.value.status == 422
    assert str(refused.value).startswith("Chưa lưu: nội dung có lỗi mà `build.py check` sẽ từ chối.")
    assert expected in str(refused.value)
    assert not (backend.root / "posts/2025/hop-mat.md").exists()


def test_an_error_elsewhere_does_not_block_a_good_save(backend):
    broken = backend.root / "posts" / "2025" / "hong.md"
    broken.write_text("---\ndate: 2025-01-01\n---\nthiếu tiêu đề\n", encoding="utf-8")
    persist(backend, "content/posts/2025/hop-mat.md", GOOD)
    assert (backend.root / "posts/2025/hop-mat.md").is_file()


def test_the_api_answers_only_json_from_its_own_pages(room):
    base, _ = room
    body = json.dumps({"action": "info"}).encode()
    assert fetch(base + "/api/v1", body, {"Content-Type": "application/json"}) == (
        200, json.dumps({"repo": "content", "publish_modes": ["simple"], "type": "local_fs"}))
    status, _ = fetch(base + "/api/v1", body, {"Content-Type": "application/json", "Origin": "https://evil.example"})
    assert status == 403
    assert fetch(base + "/api/v1", body, {"Content-Type": "text/plain"})[0] == 415
    status, answer = fetch(base + "/api/v1", json.dumps({"action": "persistEntry", "params": {
        "dataFiles": [{"path": "content/posts/2025/a.md", "raw": "---\ndate: 2025-01-01\n---\nx\n"}],
        "assets": []}}).encode(), {"Content-Type": "application/json"})
    assert status == 422 and "Tiêu đề (`title`): thiếu trường bắt buộc — thêm `title: …`" in json.loads(answer)["error"]
