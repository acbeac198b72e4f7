"""Video, polls and attachments as readers and editors meet them."""

from __future__ import annotations

import json
from pathlib import Path

from bantin.pipeline import Options, build, check

from .helpers import FIXED_NOW, minimal_files, png, shown, write_tree

VIDEO_POST = """---
title: Bài có video
date: 2024-03-01
video:
  src: https://www.youtube.com/watch?v=ThoaiSon-26
  poster: media/poster.png
attachments:
  - file: media/ke-hoach.pdf
    title: Kế hoạch năm
---
Đoạn mở đầu.

[Đội văn nghệ biểu diễn](media/van-nghe.mp4)

Xem [kế hoạch](media/ke-hoach.pdf).
"""
ARTICLE = "tin-tuc/2024/03/bai-video/index.html"


def site(tmp_path: Path, post: str = VIDEO_POST, **extra) -> tuple[Path, Options]:
    files = minimal_files(**{"posts/bai-video.md": post, "media/poster.png": png(32, 18),
                             "media/van-nghe.mp4": b"\0\0\0\x18ftypmp42", "media/van-nghe.png": png(16, 9),
                             "media/ke-hoach.pdf": b"%PDF-1.4\n" + b"0" * 1_234_000, **extra})
    content = write_tree(tmp_path / "content", files)
    return content, Options(content=content, out=tmp_path / "site", jobs=1, search=False, now=FIXED_NOW)


def test_shows_a_youtube_video_as_a_link_until_the_reader_clicks(tmp_path):
    _, options = site(tmp_path)
    build(options)
    html = (tmp_path / "site" / ARTICLE).read_text(encoding="utf-8")
    assert "<iframe" not in html and "youtube.com/embed" not in html and "ytimg" not in html
    assert 'href="https://www.youtube.com/watch?v=ThoaiSon-26"' in html
    assert 'data-embed="https://www.youtube-nocookie.com/embed/ThoaiSon-26?autoplay=1"' in html
    assert (tmp_path / "site/video/index.html").is_file() and (tmp_path / "site/video/feed.xml").is_file()


def test_plays_a_file_from_media_without_loading_it_before_the_click(tmp_path):
    _, options = site(tmp_path)
    build(options)
    html = (tmp_path / "site" / ARTICLE).read_text(encoding="utf-8")
    assert '<video controls' in html and 'preload="none"' in html
    assert '<source src="/media/van-nghe.mp4" type="video/mp4">' in html and 'poster="/media/van-nghe-16w.' in html
    assert (tmp_path / "site/media/van-nghe.mp4").is_file()


def test_says_the_type_and_size_of_documents(tmp_path):
    _, options = site(tmp_path)
    build(options)
    html = (tmp_path / "site" / ARTICLE).read_text(encoding="utf-8")
    assert html.count("(Tải về — PDF, 1,2 MB)") == 2   # the link in the text and the attachments box
    assert "Tài liệu đính kèm" in html and ">Kế hoạch năm</a>" in html


def test_refuses_a_video_address_it_cannot_show_with_file_and_line(tmp_path):
    post = VIDEO_POST.replace("https://www.youtube.com/watch?v=ThoaiSon-26", "https://vimeo.com/123")
    content, options = site(tmp_path, post)
    _, problems = check(options)
    assert any(shown(p, content).startswith("content/posts/bai-video.md:4: video: `https://vimeo.com/123`")
               for p in problems)


POLL = """question: Bạn thấy cổng thông tin thế nào?
options:
  - id: tot
    label: Hữu ích
  - Cần cải thiện
opens: 2024-05-01
closes: 2024-06-30
"""


def test_publishes_polls_for_the_counter_and_bakes_results_from_a_snapshot(tmp_path):
    content, options = site(tmp_path, **{"polls/danh-gia.yaml": POLL})
    snapshot = tmp_path / "counts.json"
    snapshot.write_text(json.dumps({"version": 1, "generated": "2024-06-01T00:00:00+00:00", "site_visits": 5,
                                    "views": {}, "top": {"7d": [], "all": []}, "polls": {"danh-gia": {"tot": 69, "can-cai-thien": 131}}}),
                        encoding="utf-8")
    build(Options(**{**options.__dict__, "counts": snapshot, "counter_endpoint": "https://dem.example.vn"}))
    published = json.loads((tmp_path / "site/_bantin/polls.json").read_text(encoding="utf-8"))
    assert published == {"version": 1, "polls": [{
        "id": "danh-gia", "question": "Bạn thấy cổng thông tin thế nào?",
        "options": [{"id": "tot", "label": "Hữu ích"}, {"id": "can-cai-thien", "label": "Cần cải thiện"}],
        "opens": "2024-05-01T00:00:00+07:00", "closes": "2024-07-01T00:00:00+07:00"}]}
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert 'action="https://dem.example.vn/api/vote"' in home and "Gửi bình chọn" in home
    assert "69 phiếu (34,5%)" in home and "131 phiếu (65,5%)" in home and "Tổng số: 200 lượt bình chọn" in home


def test_reports_every_problem_of_a_poll_file_with_its_line(tmp_path):
    bad = "question: Chọn?\noptions:\n  - Có\n  - id: co\n    label: Có nữa\nopens: 2024-06-30\ncloses: 2024-05-01\nshow: [khong-co-bai]\n"
    content, options = site(tmp_path, **{"polls/sai.yaml": bad})
    _, problems = check(options)
    texts = [shown(p, content) for p in problems if "polls/" in shown(p, content)]
    assert any(t.startswith("content/polls/sai.yaml:4: options: two options have the id `co`") for t in texts)
    assert any(t.startswith("content/polls/sai.yaml:7: closes: must be after `opens`") for t in texts)
