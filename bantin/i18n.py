"""The catalogue of every string readers see, and dates written the local way."""

from __future__ import annotations

from datetime import date, datetime

LANGUAGES = ("vi", "en")

_WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December")

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "skip_to_content": "Chuyển đến nội dung chính",
        "home": "Trang chủ",
        "menu": "Danh mục",
        "main_menu": "Danh mục chính",
        "search": "Tìm kiếm",
        "search_placeholder": "Nhập từ khóa…",
        "search_needs_js": "Chức năng tìm kiếm cần JavaScript. Bạn có thể xem tin theo ngày tại trang Lưu trữ.",
        "latest_news": "Tin mới nhất",
        "featured": "Tin nổi bật",
        "more": "Xem tiếp",
        "other_news": "Tin khác",
        "related_news": "Tin liên quan",
        "most_read": "Đọc nhiều nhất",
        "most_read_empty": "Chưa có số liệu lượt xem.",
        "views": "Lượt xem",
        "site_visits": "Số lượt truy cập",
        "online_now": "Đang online",
        "links": "Liên kết web",
        "banners": "Thông tin cần biết",
        "units": "Đơn vị",
        "unit_tree": "Tổ chức đảng trực thuộc",
        "archive": "Lưu trữ",
        "archive_by_date": "Tìm kiếm theo ngày",
        "archive_year": "Năm {year}",
        "archive_month": "Tháng {month}/{year}",
        "archive_day": "Ngày {day}/{month}/{year}",
        "archive_count": "{count} bài viết",
        "previous_period": "Trước",
        "next_period": "Sau",
        "categories": "Chuyên mục",
        "tags": "Từ khóa",
        "tag": "Từ khóa: {tag}",
        "author": "Tác giả",
        "source": "Nguồn",
        "print": "In bài",
        "email": "Gửi email",
        "share": "Chia sẻ",
        "copy_link": "Sao chép liên kết",
        "page_n": "Trang {n}",
        "pagination": "Phân trang",
        "prev_page": "Trang trước",
        "next_page": "Trang sau",
        "breadcrumb": "Đường dẫn",
        "secretary": "Bí thư",
        "level_province": "Đảng bộ tỉnh",
        "level_district": "Đảng bộ huyện",
        "level_commune": "Đảng bộ xã",
        "level_branch": "Chi bộ",
        "parent_unit": "Trực thuộc",
        "sub_units": "Đơn vị trực thuộc",
        "unit_news": "Tin của đơn vị",
        "no_articles": "Chưa có bài viết.",
        "members": "Đảng viên",
        "new_members": "Kết nạp mới",
        "grassroots": "Đảng bộ cơ sở",
        "branches": "Chi bộ",
        "year": "Năm",
        "not_found_title": "Không tìm thấy trang",
        "not_found_text": "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
        "back_home": "Về trang chủ",
        "feed": "Tin RSS",
        "footer_made_with": "Xây dựng bằng bantin",
        "today": "Hôm nay",
        "photo": "Ảnh",
        "share_email_subject": "Bài viết hay",
        "results": "Kết quả",
        "no_results": "Không tìm thấy kết quả phù hợp.",
        "all": "Tất cả",
        "in_category": "Chuyên mục",
        "copied": "Đã sao chép liên kết",
        "footnotes": "Chú thích",
        "published": "Đăng lúc",
        "updated": "Cập nhật",
    },
    "en": {
        "skip_to_content": "Skip to main content",
        "home": "Home",
        "menu": "Menu",
        "main_menu": "Main menu",
        "search": "Search",
        "search_placeholder": "Search words…",
        "search_needs_js": "Search needs JavaScript. You can browse news by date in the Archive.",
        "latest_news": "Latest news",
        "featured": "Featured",
        "more": "More",
        "other_news": "Other news",
        "related_news": "Related news",
        "most_read": "Most read",
        "most_read_empty": "No view figures yet.",
        "views": "Views",
        "site_visits": "Visits",
        "online_now": "Online now",
        "links": "Links",
        "banners": "Highlights",
        "units": "Units",
        "unit_tree": "Party organisations",
        "archive": "Archive",
        "archive_by_date": "Browse by date",
        "archive_year": "Year {year}",
        "archive_month": "{month}/{year}",
        "archive_day": "{day}/{month}/{year}",
        "archive_count": "{count} articles",
        "previous_period": "Earlier",
        "next_period": "Later",
        "categories": "Categories",
        "tags": "Tags",
        "tag": "Tag: {tag}",
        "author": "Author",
        "source": "Source",
        "print": "Print",
        "email": "E-mail",
        "share": "Share",
        "copy_link": "Copy link",
        "page_n": "Page {n}",
        "pagination": "Pagination",
        "prev_page": "Previous page",
        "next_page": "Next page",
        "breadcrumb": "Breadcrumb",
        "secretary": "Secretary",
        "level_province": "Provincial committee",
        "level_district": "District committee",
        "level_commune": "Commune committee",
        "level_branch": "Branch",
        "parent_unit": "Part of",
        "sub_units": "Sub-units",
        "unit_news": "News of the unit",
        "no_articles": "No articles yet.",
        "members": "Members",
        "new_members": "New members",
        "grassroots": "Grassroots committees",
        "branches": "Branches",
        "year": "Year",
        "not_found_title": "Page not found",
        "not_found_text": "The page you are looking for does not exist or has moved.",
        "back_home": "Back to the home page",
        "feed": "Feed",
        "footer_made_with": "Built with bantin",
        "today": "Today",
        "photo": "Photo",
        "share_email_subject": "An article worth reading",
        "results": "Results",
        "no_results": "Nothing matches.",
        "all": "All",
        "in_category": "Category",
        "copied": "Link copied",
        "footnotes": "Notes",
        "published": "Published",
        "updated": "Updated",
    },
}


def translator(language: str):
    """A `t(key, **values)` function for one language; unknown keys raise, so typos fail the build."""
    table = STRINGS[language]

    def t(key: str, **values: object) -> str:
        return table[key].format(**values) if values else table[key]

    return t


def weekday(day: date, language: str) -> str:
    """"Thứ Ba" / "Tuesday"."""
    return _WEEKDAYS[language][day.weekday()]


def format_datetime(moment: datetime, language: str) -> str:
    """Article date: "Thứ Ba, 09/01/2024 06:25"."""
    if language == "vi":
        return f"{weekday(moment, language)}, {moment:%d/%m/%Y %H:%M}"
    return f"{weekday(moment, language)}, {moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year} {moment:%H:%M}"


def format_short(moment: datetime, language: str) -> str:
    """Listing date: "09/01/2024 06:25"."""
    if language == "vi":
        return f"{moment:%d/%m/%Y %H:%M}"
    return f"{moment.day} {_MONTHS_EN[moment.month - 1][:3]} {moment.year} {moment:%H:%M}"


def format_long_date(day: date, language: str) -> str:
    """Header date: "Thứ Năm, ngày 2 tháng 5 năm 2024"."""
    if language == "vi":
        return f"{weekday(day, language)}, ngày {day.day} tháng {day.month} năm {day.year}"
    return f"{weekday(day, language)}, {day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def month_name(month: int, language: str) -> str:
    """"Tháng 5" / "May"."""
    return f"Tháng {month}" if language == "vi" else _MONTHS_EN[month - 1]
