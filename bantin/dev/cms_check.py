"""What a save from the web editing room must pass: the same validation as `build.py check`, run on a
shadow copy of the content folder (hard links, so it costs little) with the saved files in it.

Only errors the save brings are held against it: an editor must be able to save a good article while
someone else's file is still broken. The message is in Vietnamese, for the CMS to show.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..pipeline import Options, validate
from ..problems import Problem
from ..source.load import ParseCache, shown_root

FIELDS = {"title": "Tiêu đề", "date": "Ngày đăng", "unit": "Đơn vị", "category": "Chuyên mục", "tags": "Chủ đề",
          "image": "Ảnh đại diện", "slug": "Địa chỉ (slug)", "name": "Tên đơn vị", "parent": "Đơn vị cấp trên",
          "level": "Cấp", "body": "Nội dung"}


def describe(problem: Problem) -> str:
    """One problem as an editor reads it in the CMS: the form's field label, message and hint in
    Vietnamese (from bantin's message catalogue)."""
    problem = problem.translated("vi")
    label = FIELDS.get(problem.field, problem.field)
    where = f"{label} (`{problem.field}`): " if label and label != problem.field else (f"{label}: " if label else "")
    hint = f" — {problem.hint}" if problem.hint else ""
    line = f" (dòng {problem.line})" if problem.line else ""
    return f"{problem.path}{line}: {where}{problem.message}{hint}"


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system: a copy does as well
        shutil.copy2(source, target)


@dataclass
class SaveCheck:
    """Validates saves against the content folder `root`, in a shadow folder under `work`."""

    root: Path
    work: Path
    real_cache: ParseCache = field(default_factory=ParseCache)
    shadow_cache: ParseCache = field(default_factory=ParseCache)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def errors(self, root: Path, cache: ParseCache) -> dict[tuple[str, int, str, str], Problem]:
        """The errors `build.py check` reports on `root`, with paths as if it were content/."""
        _, _, problems = validate(Options(content=root, out=self.work / "unused"), cache)
        prefix = shown_root(root)
        found = {}
        for p in problems:
            if p.severity == "error":
                p = replace(p, path="content" + p.path[len(prefix):] if p.path.startswith(prefix) else p.path)
                found[(p.path, p.line, p.field, str(p.message))] = p
        return found

    def problems(self, changes: dict[str, bytes | None]) -> list[Problem]:
        """Errors the content would have after `changes` (path under root -> bytes, None = deleted)
        that it does not have now."""
        with self.lock:
            before = self.errors(self.root, self.real_cache)
            shadow = self.work / "content"
            shutil.rmtree(shadow, ignore_errors=True)
            shutil.copytree(self.root, shadow, symlinks=True, copy_function=_link_or_copy)
            for name, data in changes.items():
                target = shadow / name
                target.unlink(missing_ok=True)  # never write through a hard link into the real file
                if data is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            after = self.errors(shadow, self.shadow_cache)
        return [after[key] for key in sorted(after.keys() - before.keys())]

    def __call__(self, changes: dict[str, bytes | None]) -> str | None:
        """Why the changes cannot be saved (Vietnamese, one line per problem), or None."""
        problems = self.problems(changes)
        if not problems:
            return None
        lines = "\n".join(f"• {describe(p)}" for p in problems[:10])
        more = f"\n… và {len(problems) - 10} lỗi khác" if len(problems) > 10 else ""
        return f"Chưa lưu: nội dung có lỗi mà `build.py check` sẽ từ chối.\n{lines}{more}"
