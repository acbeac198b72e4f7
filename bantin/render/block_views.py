"""What the blocks beside the news give templates: an article's or page's video and attachments, the
/video/ listing, the side column's "Video" and poll blocks. Views stay plain data and Markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..site import urls as U
from ..source.articles import Article, Page
from ..source.polls import poll_articles
from .media_blocks import Labels, VideoView, download_note, video_html
from .poll_views import poll_view, side_poll

if TYPE_CHECKING:
    from .views import Outside, Views

SIDE_VIDEOS = 3


class BlockViews:
    """The blocks' part of Views (one per Views; reads the model only through its queries)."""

    def __init__(self, views: "Views", outside: "Outside"):
        self.views = views
        self.now, self.endpoint = outside.build_now(), outside.counter_url()
        self._polls: dict[str, dict] | None = None
        t = views.t
        self.labels = Labels(views.language, t("video_play", title="{title}"), t("video_consent", service="{service}"),
                             t("download"))

    def video(self, item: Article | Page) -> Markup | None:
        """The player of an article's or page's `video:`."""
        video = item.video
        if video is None:
            return None
        src = self.views.urls.url(U.media(video.src)) if video.kind == "file" else video.src
        poster = self.views.image(video.poster)
        return video_html(VideoView(video.kind, src, video.embed, video.title or item.title, poster), self.labels)

    def attachments(self, item: Article | Page) -> list[dict[str, str]]:
        """The "Tài liệu đính kèm" box: title, URL and "Tải về — PDF, 1,2 MB" of each document."""
        q, urls = self.views.q, self.views.urls
        return [{"title": a.title, "url": urls.url(U.media(a.file)),
                 "note": download_note(a.file, q.ask("file_size", a.file), self.labels)} for a in item.attachments]

    def item_blocks(self, item: Article | Page) -> dict[str, Any]:
        """What article.html and page.html include from the blocks (polls: articles only)."""
        polls = self.polls()
        shown = [polls[p.id] for p in self.views.q.model.content.polls
                 if isinstance(item, Article) and item.site_path in poll_articles(p, [item])]
        return {"video": self.video(item), "attachments": self.attachments(item), "polls": shown}

    def polls(self) -> dict[str, dict]:
        """Every poll's view by id. All of them go into the side column's data, which every page's
        cache key covers, so an edited poll re-renders the pages that show it."""
        if self._polls is None:
            views = self.views
            self._polls = {p.id: poll_view(p, views.counts.polls.get(p.id), self.now, self.endpoint,
                                           views.language, views.t) for p in views.q.model.content.polls}
        return self._polls

    def side_poll(self) -> dict | None:
        """The poll of the side column ("Thăm dò ý kiến"), if any is open or has closed."""
        poll = side_poll(list(self.views.q.model.content.polls), self.now)
        return self.polls()[poll.id] if poll else None

    def videos_page(self, page_no: int, total: int) -> dict:
        """/video/: articles with a video, newest first, paged like a category."""
        views, heading = self.views, self.views.t("videos")
        return {"heading": heading, "items": views.slice(views.q.ask("listing", "video", None), page_no),
                "pagination": views.pagination(U.videos, page_no, total),
                "feed": views.urls.url(U.VIDEO_FEED),
                "page": {"title": views._paged_title(heading, page_no)}}

    def side_videos(self) -> dict | None:
        """The side column's "Video" block: the newest videos, the first with its poster."""
        model, urls = self.views.q.model, self.views.urls
        if not model.videos:
            return None
        items = [{"title": a.title, "url": urls.url(a.site_path),
                  "image": self.views.image(a.video.poster or a.image)} for a in model.videos[:SIDE_VIDEOS]]
        return {"items": items, "more": urls.url(U.videos())}
