"""Write a seeded, spec-conforming bantin source tree of any size, for benchmarks and conformance tests.

    python benchmarks/gen_corpus.py OUT_DIR --articles 5000 --units 200 --seed 42

An independent producer of the content format (shared/spec/content-format.md): it does not import
bantin. The same arguments always give byte-identical files: every random choice comes from one
`random.Random(seed)`, nothing depends on the clock, the file system order or hash order.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import struct
import sys
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random

YEARS = tuple(range(2016, 2025))          # unit statistics
FIRST_DAY, DAYS = date(2021, 1, 1), 4 * 365 + 1   # articles: 2021-01-01 .. 2024-12-31
BODY_BYTES = (9_500, 12_500)             # ~12 KB of Markdown per article
SCALE = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
         "Không hoàn thành nhiệm vụ")
ORG_WEIGHTS = (18, 66, 14, 2)             # how often a chi bộ gets each rating
MEMBER_WEIGHTS = (14, 74, 10, 2)

CATEGORIES = {
    "xay-dung-dang": "Xây dựng Đảng",
    "tin-hoat-dong": "Tin hoạt động",
    "kinh-te-xa-hoi": "Kinh tế - Xã hội",
    "hoc-tap-lam-theo-bac": "Học tập và làm theo Bác",
    "van-ban-chi-dao": "Văn bản - Chỉ đạo",
    "kiem-tra-giam-sat": "Kiểm tra, giám sát",
}

# ---------------------------------------------------------------- vocabulary

PLACE_FIRST = ("Phú", "Vĩnh", "Tân", "Bình", "Long", "Mỹ", "Thạnh", "Hòa", "An", "Định", "Thới",
               "Phước", "Hưng", "Khánh", "Lộc", "Nhơn", "Tây", "Đông", "Hiệp", "Quới", "Thuận",
               "Trung", "Vọng", "Châu", "Kiến", "Hội", "Lương", "Cần", "Ô", "Núi", "Óc", "Đa")
PLACE_SECOND = ("Thuận", "Chánh", "Hòa", "An", "Lợi", "Phú", "Thành", "Hưng", "Đông", "Tây",
                "Hiệp", "Giang", "Thê", "Eo", "Sập", "Phước", "Mỹ", "Bình", "Long", "Xuân",
                "Đăng", "Khánh", "Trạch", "Quý", "Điền", "Nghĩa", "Lạc", "Tiến", "Hội", "Cường",
                "Thạnh", "Lâm")
BRANCH_KINDS = ("ấp", "ấp", "ấp", "khóm", "khóm")
BRANCH_OFFICES = ("Trường Tiểu học", "Trường THCS", "Trạm Y tế", "Công an xã", "Quân sự xã",
                  "Hợp tác xã nông nghiệp", "Trường Mầm non", "Cơ quan Ủy ban nhân dân")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng",
          "Đỗ", "Ngô", "Hồ", "Dương", "Đinh", "Lâm", "Châu", "Tô", "Lý")
MIDDLE = ("Văn", "Thị", "Minh", "Hữu", "Thanh", "Quốc", "Ngọc", "Hoàng", "Kim", "Thành", "Phước")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hiếu", "Hùng", "Khải",
         "Lan", "Linh", "Lộc", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo",
         "Thịnh", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến")

TAGS = (
    "Chi bộ bốn tốt", "Chỉ thị 05", "Nghị quyết Trung ương 4", "Kiểm tra giám sát", "Đại hội Đảng bộ",
    "Phát triển đảng viên", "Nông thôn mới", "Chuyển đổi số", "Cải cách hành chính", "Dân vận khéo",
    "Học tập và làm theo Bác", "Sinh hoạt chuyên đề", "Kết nạp đảng viên", "Quy định 37",
    "Kết luận 21", "Bảo vệ nền tảng tư tưởng", "Giảm nghèo bền vững", "An sinh xã hội",
    "Quốc phòng an ninh", "Thi đua yêu nước", "Mặt trận Tổ quốc", "Đoàn Thanh niên", "Hội Nông dân",
    "Hội Phụ nữ", "Hội Cựu chiến binh", "Khuyến học", "Y tế cơ sở", "Giáo dục", "Lúa chất lượng cao",
    "Thủy lợi", "Giao thông nông thôn", "Văn hóa cơ sở", "Du lịch", "Di tích Óc Eo", "Tôn giáo",
    "Dân tộc", "Phòng chống tham nhũng", "Tiếp công dân", "Tổng kết năm", "Sơ kết 6 tháng",
    "Tuyên truyền", "Báo cáo viên", "Cấp ủy", "Bí thư chi bộ", "Đánh giá xếp loại", "Đảng viên trẻ",
    "Nhà đại đoàn kết", "Ngày hội đại đoàn kết", "Chủ tịch Hồ Chí Minh", "Thành lập Đảng",
    "Kỷ luật đảng", "Tự phê bình và phê bình", "Nêu gương", "Công tác cán bộ", "Quy hoạch cán bộ",
    "Đề án 06", "Kinh tế tập thể", "Hợp tác xã", "OCOP", "Phòng chống thiên tai", "Môi trường",
)
SUBJECTS = (
    "Ban Thường vụ Huyện ủy", "Đảng ủy xã", "Các chi bộ trực thuộc", "Ủy ban Kiểm tra Huyện ủy",
    "Mặt trận Tổ quốc và các đoàn thể", "Cán bộ, đảng viên trong đảng bộ", "Chi ủy các ấp, khóm",
    "Ban Tuyên giáo Huyện ủy", "Hội Nông dân xã", "Đoàn Thanh niên", "Ban Tổ chức Huyện ủy",
    "Ủy ban nhân dân huyện", "Hội Liên hiệp Phụ nữ", "Hội Cựu chiến binh", "Ban Dân vận Huyện ủy",
    "Đảng ủy Quân sự", "Các tổ chức cơ sở đảng", "Bí thư chi bộ", "Cấp ủy các cấp",
    "Trung tâm Chính trị huyện", "Ban Chỉ đạo cấp huyện", "Nhiều đảng viên cao tuổi",
    "Các hợp tác xã nông nghiệp", "Ngành giáo dục", "Trạm Y tế các xã",
)
VERBS = (
    "đã tập trung lãnh đạo", "tích cực triển khai", "thường xuyên quan tâm chỉ đạo",
    "chủ động phối hợp thực hiện", "nghiêm túc quán triệt", "tổ chức sơ kết", "kịp thời cụ thể hóa",
    "đẩy mạnh", "tăng cường kiểm tra", "đã hoàn thành", "quyết liệt chỉ đạo", "duy trì nền nếp",
    "đổi mới phương thức", "từng bước nâng cao chất lượng", "rà soát, bổ sung", "tuyên truyền sâu rộng",
    "đã ban hành kế hoạch về", "phát huy vai trò trong", "tổng kết, rút kinh nghiệm",
    "huy động nguồn lực cho", "đặt trọng tâm vào", "chú trọng",
)
OBJECTS = (
    "việc thực hiện Chỉ thị 05-CT/TW về tấm gương đạo đức Hồ Chí Minh",
    "công tác phát triển đảng viên mới", "phong trào thi đua yêu nước",
    "chương trình xây dựng nông thôn mới nâng cao", "công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
    "nâng cao chất lượng sinh hoạt chi bộ", "công tác dân vận của hệ thống chính trị",
    "việc thực hiện quy chế dân chủ ở cơ sở", "công tác cải cách hành chính",
    "các mô hình sản xuất lúa chất lượng cao", "công tác giảm nghèo bền vững",
    "nhiệm vụ quốc phòng, an ninh", "công tác tuyên truyền miệng", "chuyển đổi số trong cơ quan đảng",
    "việc đánh giá, xếp loại tổ chức đảng và đảng viên", "công tác bảo vệ nền tảng tư tưởng của Đảng",
    "việc chăm lo gia đình chính sách", "công tác quy hoạch, đào tạo cán bộ",
    "phong trào toàn dân đoàn kết xây dựng đời sống văn hóa", "các công trình giao thông nông thôn",
    "công tác phòng, chống thiên tai", "việc tiếp công dân và giải quyết khiếu nại",
    "mô hình dân vận khéo", "công tác khuyến học, khuyến tài", "việc giữ gìn vệ sinh môi trường",
    "công tác chăm sóc sức khỏe nhân dân", "trách nhiệm nêu gương của người đứng đầu",
    "các chỉ tiêu nghị quyết đại hội", "việc phát triển kinh tế tập thể",
    "sản phẩm OCOP của địa phương", "công tác phòng, chống tham nhũng, tiêu cực",
)
COMPLEMENTS = (
    "trên địa bàn", "trong năm qua", "góp phần làm cho tổ chức đảng vững mạnh, lãnh đạo sát thực tế hơn",
    "theo đúng kế hoạch đề ra", "với nhiều cách làm sáng tạo", "tạo sự đồng thuận trong nhân dân",
    "đạt kết quả tích cực", "bám sát chỉ đạo của cấp trên", "gắn với nhiệm vụ chính trị của địa phương",
    "ngay từ những tháng đầu năm", "được nhân dân đồng tình hưởng ứng", "một cách thiết thực, hiệu quả",
    "theo tinh thần Nghị quyết đại hội đảng bộ các cấp", "từ chi bộ đến đảng bộ cơ sở",
    "bảo đảm đúng nguyên tắc, quy trình", "trong bối cảnh còn nhiều khó khăn",
    "ở những ấp, khóm còn nhiều hộ khó khăn", "nhằm tạo chuyển biến rõ nét ở cơ sở",
)
STATEMENTS = (
    "Đây là một trong những nhiệm vụ trọng tâm, thường xuyên của cấp ủy.",
    "Nhiều ý kiến cho rằng cần tiếp tục đổi mới nội dung sinh hoạt để thu hút đảng viên trẻ.",
    "Bên cạnh kết quả đạt được, vẫn còn một số hạn chế cần sớm khắc phục.",
    "Một số chi bộ chưa chủ động đề ra nội dung sinh hoạt chuyên đề phù hợp.",
    "Công tác phối hợp giữa các ngành có lúc chưa chặt chẽ, thông tin báo cáo còn chậm.",
    "Người dân phấn khởi khi những kiến nghị chính đáng được giải quyết kịp thời.",
    "Phát biểu chỉ đạo, đồng chí Bí thư ghi nhận những nỗ lực của tập thể cấp ủy.",
    "Hội nghị cũng dành nhiều thời gian thảo luận các giải pháp cho giai đoạn tới.",
    "Kết thúc hội nghị, các đại biểu thống nhất cao với nội dung dự thảo báo cáo.",
    "Những tấm gương điển hình được biểu dương, khen thưởng kịp thời.",
)
HEADINGS = (
    "Kết quả nổi bật", "Những cách làm hay", "Hạn chế và nguyên nhân", "Nhiệm vụ thời gian tới",
    "Mục đích, yêu cầu", "Tổ chức thực hiện", "Giải pháp trọng tâm", "Ý kiến của cơ sở",
    "Chuyển biến từ chi bộ", "Vai trò của người đứng đầu", "Phát huy sức mạnh của nhân dân",
    "Bài học kinh nghiệm", "Những con số ấn tượng", "Sức lan tỏa từ mô hình",
)
TITLE_ACTIONS = (
    "tổng kết công tác", "sơ kết 6 tháng thực hiện", "triển khai nhiệm vụ", "nâng cao chất lượng",
    "ra quân thực hiện", "quán triệt chuyên đề về", "kiểm tra việc thực hiện", "biểu dương điển hình trong",
    "đẩy mạnh", "hội nghị chuyên đề về", "tập huấn nghiệp vụ", "giám sát chuyên đề",
)
TITLE_TOPICS = (
    "xây dựng Đảng", "phát triển đảng viên", "dân vận khéo", "nông thôn mới", "cải cách hành chính",
    "chuyển đổi số", "giảm nghèo bền vững", "kiểm tra, giám sát", "học tập và làm theo Bác",
    "sinh hoạt chi bộ", "quốc phòng an ninh", "khuyến học", "an sinh xã hội", "bảo vệ môi trường",
    "tuyên truyền miệng", "công tác cán bộ", "phòng chống thiên tai", "kinh tế tập thể",
)
LINKS = (
    ("Báo điện tử Đảng Cộng sản Việt Nam", "https://dangcongsan.vn"),
    ("Tạp chí Cộng sản", "https://www.tapchicongsan.org.vn"),
    ("Báo Nhân Dân", "https://nhandan.vn"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn"),
)
SOURCES = ("Văn phòng Huyện ủy", "Ban Tuyên giáo Huyện ủy", "Báo Long Giang", "Đài Truyền thanh huyện")
FOOTNOTES = (
    "Theo báo cáo tổng kết năm của Ban Tổ chức Huyện ủy.",
    "Số liệu do Văn phòng Huyện ủy tổng hợp đến ngày 15 tháng 12.",
    "Quy định số 37-QĐ/TW ngày 25/10/2021 của Ban Chấp hành Trung ương.",
    "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.",
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def slugify(text: str) -> str:
    """The spec's slug rule, written out again here: drop diacritics, "đ" -> "d", hyphens."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9][^:#]*$")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def yaml_str(text: str) -> str:
    """A YAML scalar for `text`: plain when unambiguous, else double-quoted (JSON is valid YAML)."""
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------- units


@dataclass
class Unit:
    id: str
    name: str
    short_name: str
    level: str
    parent: "Unit | None"
    folder: Path
    secretary: str
    gives_sums: bool = False           # a parent that writes its rolled-up figures out
    children: list["Unit"] = field(default_factory=list)
    truth: dict[int, dict] = field(default_factory=dict)


def person(rng: Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


class Names:
    """Unique place names and unit ids."""

    def __init__(self, rng: Random):
        self.rng, self.places, self.ids = rng, set(), set()

    def place(self) -> str:
        for _ in range(1000):
            name = f"{self.rng.choice(PLACE_FIRST)} {self.rng.choice(PLACE_SECOND)}"
            if name not in self.places and name.split()[0] != name.split()[1]:
                self.places.add(name)
                return name
        name = f"{self.rng.choice(PLACE_FIRST)} {len(self.places) + 1}"
        self.places.add(name)
        return name

    def unit_id(self, text: str) -> str:
        base = slugify(text)
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        return candidate


def split_counts(total: int) -> tuple[int, int, int]:
    """Districts, communes and branches so that 1 + d + c + b == total (total >= 4)."""
    districts = max(1, round(total / 40))
    rest = total - 1 - districts
    communes = max(districts, rest // 5)
    return districts, communes, rest - communes


def branch_label(rng: Random) -> str:
    if rng.random() < 0.8:
        return f"{rng.choice(BRANCH_KINDS)} {rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
    return rng.choice(BRANCH_OFFICES)


def make_units(rng: Random, total: int) -> list[Unit]:
    names = Names(rng)
    province_place = "Long Giang"
    names.places.add(province_place)
    province = Unit(names.unit_id(province_place), f"Đảng bộ tỉnh {province_place}", province_place,
                    "province", None, Path("units"), person(rng), gives_sums=True)
    d_count, c_count, b_count = split_counts(total)
    districts = []
    for _ in range(d_count):
        place = names.place()
        uid = names.unit_id(place)
        unit = Unit(uid, f"Đảng bộ huyện {place}", place, "district", province,
                    Path("units") / uid, person(rng), gives_sums=rng.random() < 0.5)
        province.children.append(unit)
        districts.append(unit)
    communes = []
    for i in range(c_count):
        district = districts[i % d_count]
        place = names.place()
        kind = "thị trấn" if rng.random() < 0.15 else "xã"
        uid = names.unit_id(place)
        unit = Unit(uid, f"Đảng bộ {kind} {place}", place, "commune", district,
                    district.folder / uid, person(rng), gives_sums=rng.random() < 0.5)
        district.children.append(unit)
        communes.append(unit)
    for i in range(b_count):
        commune = communes[i % c_count]
        taken = {c.name for c in commune.children}
        label = branch_label(rng)
        while f"Chi bộ {label}" in taken:
            label = branch_label(rng)
        uid = names.unit_id(f"{commune.id} {label}")
        name = f"Chi bộ {label}"
        unit = Unit(uid, name, label[0].upper() + label[1:], "branch", commune, commune.folder,
                    person(rng), gives_sums=False)
        commune.children.append(unit)
    everything = [province]
    stack = list(reversed(province.children))
    while stack:
        unit = stack.pop()
        everything.append(unit)
        stack.extend(reversed(unit.children))
    return everything


def weighted_counts(rng: Random, n: int, weights: tuple[int, ...]) -> list[int]:
    counts = [0] * len(weights)
    for index in rng.choices(range(len(weights)), weights=weights, k=n):
        counts[index] += 1
    return counts


def branch_truth(rng: Random, unit: Unit) -> None:
    members = rng.randint(8, 55)
    for year in YEARS:
        new = rng.randint(0, 3)
        members = max(5, members + new - rng.randint(0, 2))
        org = weighted_counts(rng, 1, ORG_WEIGHTS)
        rated = members - rng.randint(0, min(2, members // 10))
        unit.truth[year] = {"members": members, "new_members": min(new, members), "grassroots": None,
                            "branches": None, "ratings": org,
                            "member_ratings": weighted_counts(rng, rated, MEMBER_WEIGHTS)}


def parent_truth(unit: Unit) -> None:
    """A parent's true figures are its children's summed (communes count their chi bộ)."""
    for year in YEARS:
        kids = [c.truth[year] for c in unit.children]
        figures: dict = {}
        for name in ("members", "new_members"):
            figures[name] = sum(k[name] for k in kids)
        for name in ("ratings", "member_ratings"):
            figures[name] = [sum(k[name][i] for k in kids) for i in range(len(SCALE))]
        if unit.level == "commune":
            figures["grassroots"], figures["branches"] = None, len(unit.children)
        elif unit.level == "district":
            figures["grassroots"] = len(unit.children)
            figures["branches"] = sum(k["branches"] for k in kids)
        else:
            figures["grassroots"] = sum(k["grassroots"] for k in kids)
            figures["branches"] = sum(k["branches"] for k in kids)
        unit.truth[year] = figures


def unit_yaml(unit: Unit, rng: Random) -> str:
    lines = [f"name: {yaml_str(unit.name)}", f"short_name: {yaml_str(unit.short_name)}",
             f"level: {unit.level}"]
    if unit.parent:
        lines.append(f"parent: {unit.parent.id}")
    lines.append(f"secretary: {unit.secretary}")
    lines.append("description: |")
    for sentence in unit_description(unit, rng):
        lines.append(f"  {sentence}" if sentence else "")
    lines.append("stats:")
    for year in YEARS:
        lines.extend(year_yaml(unit, year))
    return "\n".join(lines) + "\n"


def unit_description(unit: Unit, rng: Random) -> list[str]:
    first = (f"{unit.name} lãnh đạo {len(unit.children)} tổ chức đảng trực thuộc, "
             f"{rng.choice(COMPLEMENTS)}." if unit.children else
             f"{unit.name} lãnh đạo địa bàn có khoảng {rng.randint(200, 900)} hộ dân, "
             f"{rng.choice(COMPLEMENTS)}.")
    second = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, {rng.choice(COMPLEMENTS)}."
    return [first, "", second]


def year_yaml(unit: Unit, year: int) -> list[str]:
    """Branches give everything; a parent gives its sums only when `gives_sums`, else only counts."""
    t = unit.truth[year]
    out = [f"- year: {year}"]
    full = unit.level == "branch" or unit.gives_sums
    names = ["members", "new_members"] if full else []
    names += [n for n in ("grassroots", "branches") if t[n] is not None]
    for name in names:
        out.append(f"  {name}: {t[name]}")
    if full:
        for name in ("ratings", "member_ratings"):
            given = [(label, n) for label, n in zip(SCALE, t[name]) if n]
            if given:
                out.append(f"  {name}:")
                out.extend(f"    {label}: {n}" for label, n in given)
    return out


# ---------------------------------------------------------------- articles


class Text:
    """A pool of sentences, made once, from which article bodies are assembled."""

    def __init__(self, rng: Random, size: int = 4000):
        self.rng = rng
        self.sentences = [self.sentence() for _ in range(size)]
        self.sizes = [len(s.encode()) + 1 for s in self.sentences]

    def sentence(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return rng.choice(STATEMENTS)
        if roll < 0.24:
            n, p = rng.randint(3, 480), rng.randint(70, 99)
            return rng.choice((
                f"Kết quả, có {n} đảng viên được đánh giá hoàn thành tốt nhiệm vụ, đạt {p}%.",
                f"Toàn đảng bộ đã kết nạp {n} đảng viên mới, đạt {p}% chỉ tiêu nghị quyết.",
                f"Đến nay, {p}% hộ dân đã tham gia, với tổng kinh phí hơn {n} triệu đồng.",
                f"Trong kỳ, cấp ủy đã kiểm tra {n} tổ chức đảng và giám sát chuyên đề {p} đảng viên."))
        obj = rng.choice(OBJECTS)
        if roll > 0.93:
            obj = f"**{obj}**"
        tail = rng.choice(COMPLEMENTS)
        if 0.88 < roll <= 0.93:
            tail = f"*{tail}*"
        text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {obj}, {tail}."
        if rng.random() < 0.03:
            title, url = rng.choice(LINKS)
            text = text[:-1] + f" (theo [{title}]({url}))."
        return text

    def plain(self) -> str:
        """A sentence without Markdown, for a summary."""
        while True:
            sentence = self.rng.choice(self.sentences)
            if "*" not in sentence and "[" not in sentence:
                return sentence

    def paragraph(self, budget: list[int], count: int) -> str:
        picks = self.rng.choices(range(len(self.sentences)), k=count)
        budget[0] -= sum(self.sizes[i] for i in picks) + 1
        return " ".join(self.sentences[i] for i in picks)


@dataclass
class Article:
    path: Path
    text: str


def article_body(rng: Random, text: Text, unit: Unit | None, image: str | None) -> str:
    budget = [rng.randint(*BODY_BYTES)]
    where = unit.name if unit else "toàn tỉnh"
    blocks = [f"Thời gian qua, {where} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, "
              f"{rng.choice(COMPLEMENTS)}. " + text.paragraph(budget, rng.randint(2, 4))]
    footnote = rng.random() < 0.25
    table = rng.random() < 0.3
    headings = rng.sample(HEADINGS, k=rng.randint(2, 4))
    section = 0
    while budget[0] > 0:
        step = len(blocks)
        if step % 4 == 2 and section < len(headings):
            blocks.append(f"## {headings[section]}")
            section += 1
        elif step == 3 and image:
            blocks.append(f"![{rng.choice(OBJECTS).capitalize()}]({image})")
        elif step % 7 == 5:
            items = rng.sample(OBJECTS, k=rng.randint(3, 5))
            marker = "-" if rng.random() < 0.7 else "1."
            blocks.append("\n".join(f"{marker} {item[0].upper()}{item[1:]}." for item in items))
            budget[0] -= sum(len(i.encode()) + 4 for i in items)
        elif step == 8 and table:
            blocks.append(stats_table(rng))
            budget[0] -= 400
        elif step % 11 == 9:
            blocks.append("> " + text.paragraph(budget, 2))
        else:
            blocks.append(text.paragraph(budget, rng.randint(3, 6)))
    if footnote:
        blocks[0] += "[^1]"
        blocks.append(f"[^1]: {rng.choice(FOOTNOTES)}")
    return "\n\n".join(blocks) + "\n"


def stats_table(rng: Random) -> str:
    rows = ["| Chỉ tiêu | Năm trước | Năm nay | Tỷ lệ |", "|---|---:|---:|---:|"]
    for label in rng.sample(("Đảng viên", "Kết nạp mới", "Chi bộ", "Hộ nghèo", "Hộ cận nghèo",
                             "Km đường giao thông", "Công trình dân sinh"), k=4):
        before, now = rng.randint(10, 900), rng.randint(10, 900)
        rows.append(f"| {label} | {before} | {now} | {round(100 * now / before)}% |")
    return "\n".join(rows)


def article_title(rng: Random, unit: Unit | None, year: int) -> str:
    who = unit.name if unit else "Tỉnh ủy Long Giang"
    action, topic = rng.choice(TITLE_ACTIONS), rng.choice(TITLE_TOPICS)
    if rng.random() < 0.5:
        return f"{who} {action} {topic} năm {year}"
    return f"{who} {action} {topic}"


def make_articles(rng: Random, count: int, units: list[Unit], images: list[str]) -> list[Article]:
    text = Text(rng)
    used: set[str] = set()
    # Leaf-heavy like a real portal: branches and communes write most of the news.
    weights = [{"province": 20, "district": 8, "commune": 3, "branch": 1}[u.level] for u in units]
    articles = []
    for index in range(count):
        day = FIRST_DAY + timedelta(days=index * DAYS // max(count, 1) + rng.randint(0, 2))
        day = min(day, FIRST_DAY + timedelta(days=DAYS - 1))
        unit = rng.choices(units, weights=weights)[0] if rng.random() < 0.92 else None
        title = article_title(rng, unit, day.year)
        slug = base = slugify(title)
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        image = images[index % len(images)] if images and index % 97 == 13 else None
        meta = [f"title: {yaml_str(title)}",
                f"date: {day:%Y-%m-%d} {rng.randint(6, 21):02d}:{rng.choice((0, 5, 15, 20, 30, 45, 50)):02d}"]
        if unit:
            meta.append(f"unit: {unit.id}")
        meta.append(f"category: {rng.choice(list(CATEGORIES))}")
        tags = rng.sample(TAGS, k=rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4)))
        if tags:
            meta.append("tags: [" + ", ".join(yaml_str(t) for t in tags) + "]")
        meta.append(f"author: {person(rng)}")
        if rng.random() < 0.4:
            meta.append(f"source: {rng.choice(SOURCES)}")
        if rng.random() < 0.85:
            meta.append(f"summary: {yaml_str(text.plain())}")
        if image:
            meta.append(f"image: {image}")
            meta.append(f"image_caption: {yaml_str(rng.choice(OBJECTS).capitalize())}")
        body = article_body(rng, text, unit, image if index % 2 else None)
        path = Path("posts") / f"{day.year}" / f"{slug}.md"
        articles.append(Article(path, "---\n" + "\n".join(meta) + "\n---\n" + body))
    return articles


# ---------------------------------------------------------------- site, pages, media


def site_yaml(root: Unit, banner: str | None) -> str:
    lines = ["title: Cổng thông tin điện tử Đảng bộ tỉnh Long Giang",
             "base_url: https://dangbo-longgiang.example.vn/", "language: vi",
             "timezone: Asia/Ho_Chi_Minh", "per_page: 20", f"root_unit: {root.id}", "categories:"]
    lines += [f"  {key}: {yaml_str(label)}" for key, label in CATEGORIES.items()]
    lines.append("rating_scale:")
    lines += [f"  - {label}" for label in SCALE]
    lines.append("links:")
    lines += [f"  - {{title: {title}, url: \"{url}\"}}" for title, url in LINKS]
    if banner:
        lines.append("banners:")
        lines.append(f"  - {{title: Chi bộ bốn tốt, image: {banner}, url: /the/chi-bo-bon-tot/}}")
    return "\n".join(lines) + "\n"


def pages(rng: Random, text: Text) -> dict[str, str]:
    specs = (("gioi-thieu", "Giới thiệu", 1), ("lien-he", "Liên hệ", 2),
             ("so-do-cong-thong-tin", "Sơ đồ cổng thông tin", None))
    result = {}
    for slug, title, menu in specs:
        meta = f"---\ntitle: {title}\n" + (f"menu: {menu}\n" if menu else "") + "---\n"
        body = [text.paragraph([0], 4), "## Thông tin chung", text.paragraph([0], 3)]
        result[f"pages/{slug}.md"] = meta + "\n\n".join(body) + "\n"
    return result


def png(width: int, height: int, seed: int) -> bytes:
    """A small gradient PNG, made without any imaging library (deterministic bytes)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes(((x * 255 // width + seed) % 256, (y * 255 // height) % 256, (seed * 7) % 256))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------- main


def generate(out: Path, articles: int, units: int, seed: int) -> int:
    """Write the tree under `out` (which must be empty or missing); return the number of files."""
    rng = Random(seed)
    tree = make_units(rng, units)
    for unit in tree:
        if unit.level == "branch":
            branch_truth(rng, unit)
    for unit in reversed(tree):
        if unit.level != "branch":
            parent_truth(unit)
    files: dict[str, str | bytes] = {}
    images = ["media/anh/hoi-nghi-chi-bo.png", "media/anh/canh-dong-lua.png"]
    for number, name in enumerate(images):
        files[name] = png(96, 64, seed + number * 101)
    files["site.yaml"] = site_yaml(tree[0], images[0])
    for unit in tree:
        files[(unit.folder / f"{unit.id}.yaml").as_posix()] = unit_yaml(unit, rng)
    made = make_articles(rng, articles, tree, images)
    for article in made:
        files[article.path.as_posix()] = article.text
    files.update(pages(rng, Text(rng, 50)))
    for name in sorted(files):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = files[name]
        target.write_bytes(data if isinstance(data, bytes) else nfc(data).encode("utf-8"))
    return len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (a content/ tree)")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--units", type=int, default=200, help="party units in all (at least 4)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--force", action="store_true", help="replace OUT if it is not empty")
    args = parser.parse_args(argv)
    if args.units < 4:
        parser.error("--units must be at least 4 (a province, a district, a commune and a branch)")
    if args.articles < 0:
        parser.error("--articles must not be negative")
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            parser.error(f"{args.out} is not empty; pass --force to replace it")
        shutil.rmtree(args.out)
    count = generate(args.out, args.articles, args.units, args.seed)
    print(f"wrote {count} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
