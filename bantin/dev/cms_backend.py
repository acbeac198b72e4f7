"""Decap CMS's local-backend protocol (what `decap-server` answers on POST /api/v1), served by
`build.py serve` against the working copy, confined to the content folder.

The CMS names files by their path in the repository ("content/posts/2026/x.md"); every path must
start with `content/`, stay inside the content folder once resolved, pass through no symbolic
link, and name a kind of file the content spec has in that folder. A save is checked as
`build.py check` would check it (SaveCheck) before anything is written.
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..admin.cmsconfig import CONTENT

MAX_UPLOAD = 20 * 1024 * 1024   # one image or attachment; larger files belong elsewhere than a news portal
# Top folder of content/ -> the file names the CMS may write there (media: any name).
WRITABLE = {"posts": (".md",), "pages": (".md",), "units": (".yaml", ".yml"), "polls": (".yaml", ".yml"),
            "media": ()}


class Refused(Exception):
    """A request the backend will not carry out; `status` and a Vietnamese message for the CMS."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


Check = Callable[[dict[str, bytes | None]], str | None]   # changes -> why they cannot be saved, or None


@dataclass
class LocalBackend:
    """Answers one protocol request at a time against the content folder `root`."""

    root: Path
    check: Check

    def handle(self, body: Any) -> Any:
        """The JSON answer to one request body; raises Refused for a bad or refused request."""
        if not isinstance(body, dict) or not isinstance(body.get("action"), str):
            raise Refused("Yêu cầu không hợp lệ: thiếu `action`.")
        params = body.get("params") or {}
        if not isinstance(params, dict):
            raise Refused("Yêu cầu không hợp lệ: `params` phải là một đối tượng.")
        action = getattr(self, "do_" + body["action"], None) if body["action"].isidentifier() else None
        if action is None:
            raise Refused(f"Thao tác không được hỗ trợ: {body['action'][:60]}")
        return action(params)

    # --- paths -----------------------------------------------------------------------------

    def resolve(self, path: Any, writing: bool = False) -> Path:
        """The file or folder a repository path names, refused unless it is safely inside content/."""
        if not isinstance(path, str) or not path or "\\" in path or "\0" in path:
            raise Refused("Đường dẫn không hợp lệ.", 403)
        parts = path.strip("/").split("/") if not path.startswith("/") else []
        if not parts or parts[0] != CONTENT or any(p in ("", ".", "..") or p.startswith(".") for p in parts[1:]):
            raise Refused(f"Chỉ được đọc và ghi trong thư mục {CONTENT}/: {path[:120]}", 403)
        rest = parts[1:]
        if writing and not _writable(rest):
            raise Refused(f"Không được ghi tệp này từ phòng biên tập: {path[:120]}", 403)
        target = self.root.joinpath(*rest)
        self._no_links(target)
        return target

    def _no_links(self, target: Path) -> None:
        real_root = self.root.resolve()
        current = self.root
        for part in target.relative_to(self.root).parts:
            current = current / part
            if current.is_symlink():
                raise Refused(f"Không đi theo liên kết tượng trưng: {CONTENT}/{current.relative_to(self.root)}", 403)
        existing = target
        while not existing.exists() and existing != self.root:
            existing = existing.parent
        if not existing.resolve().is_relative_to(real_root):
            raise Refused("Đường dẫn ra ngoài thư mục nội dung.", 403)

    def repo_path(self, path: Path) -> str:
        return posixpath.join(CONTENT, path.relative_to(self.root).as_posix())

    def _files(self, folder: Path, extension: str, depth: int) -> list[Path]:
        """Files under `folder` up to `depth` levels, never through a link nor into hidden folders."""
        found: list[Path] = []
        if depth <= 0 or not folder.is_dir() or folder.is_symlink():
            return found
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            if entry.is_dir():
                found += self._files(entry, extension, depth - 1)
            elif entry.is_file() and entry.name.endswith(extension):
                found.append(entry)
        return found

    def _entry(self, path: Path) -> dict[str, Any]:
        try:
            data = path.read_bytes()
        except OSError:
            return {"data": None, "file": {"path": self.repo_path(path), "id": None}}
        return {"data": data.decode("utf-8", errors="replace"),
                "file": {"path": self.repo_path(path), "id": hashlib.sha256(data).hexdigest()}}

    def _media(self, path: Path) -> dict[str, Any]:
        data = path.read_bytes()
        return {"id": hashlib.sha256(data).hexdigest(), "content": base64.b64encode(data).decode("ascii"),
                "encoding": "base64", "path": self.repo_path(path), "name": path.name}

    # --- actions (names as Decap sends them) ---------------------------------------------------

    def do_info(self, params: dict) -> dict:
        return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}

    def do_entriesByFolder(self, params: dict) -> list:
        folder = self.resolve(params.get("folder"))
        depth = params.get("depth") if isinstance(params.get("depth"), int) else 1
        return [self._entry(p) for p in self._files(folder, str(params.get("extension") or ""), min(depth, 20))]

    def do_entriesByFiles(self, params: dict) -> list:
        files = params.get("files") if isinstance(params.get("files"), list) else []
        return [self._entry(self.resolve(f.get("path") if isinstance(f, dict) else None)) for f in files]

    def do_getEntry(self, params: dict) -> dict:
        return self._entry(self.resolve(params.get("path")))

    def do_getMedia(self, params: dict) -> list:
        folder = self.resolve(params.get("mediaFolder"))
        return [self._media(p) for p in self._files(folder, "", 1)]

    def do_getMediaFile(self, params: dict) -> dict:
        path = self.resolve(params.get("path"))
        if not path.is_file():
            raise Refused("Không tìm thấy tệp.", 404)
        return self._media(path)

    def do_persistEntry(self, params: dict) -> dict:
        files = params.get("dataFiles") or ([params["entry"]] if isinstance(params.get("entry"), dict) else [])
        writes: dict[Path, bytes | None] = {}
        for data_file in files:
            if not isinstance(data_file, dict) or not isinstance(data_file.get("raw"), str):
                raise Refused("Yêu cầu không hợp lệ: thiếu nội dung tệp.")
            writes[self.resolve(data_file.get("path"), writing=True)] = data_file["raw"].encode("utf-8")
            if data_file.get("newPath"):
                writes[self.resolve(data_file["path"], writing=True)] = None
                writes[self.resolve(data_file["newPath"], writing=True)] = data_file["raw"].encode("utf-8")
        for asset in params.get("assets") or []:
            writes[self.resolve(asset.get("path"), writing=True)] = _decoded(asset)
        self._save(writes)
        return {"message": "entry persisted"}

    def do_persistMedia(self, params: dict) -> dict:
        asset = params.get("asset") if isinstance(params.get("asset"), dict) else {}
        path = self.resolve(asset.get("path"), writing=True)
        self._save({path: _decoded(asset)})
        return self._media(path)

    def do_deleteFile(self, params: dict) -> dict:
        return self.do_deleteFiles({"paths": [params.get("path")]})

    def do_deleteFiles(self, params: dict) -> dict:
        paths = params.get("paths") if isinstance(params.get("paths"), list) else []
        self._save({self.resolve(p, writing=True): None for p in paths})
        return {"message": "deleted"}

    def do_getDeployPreview(self, params: dict) -> None:
        return None

    def _save(self, writes: dict[Path, bytes | None]) -> None:
        """Check the whole change as `build.py check` would, then write it (deletions last)."""
        why = self.check({p.relative_to(self.root).as_posix(): data for p, data in writes.items()})
        if why:
            raise Refused(why)
        for path, data in writes.items():
            if data is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{path.name}.cms-tmp")
                temporary.write_bytes(data)
                os.replace(temporary, path)  # the watcher never sees half a file
        for path, data in writes.items():
            if data is None and path.is_file():
                path.unlink()


def _writable(rest: list[str]) -> bool:
    if len(rest) < 2 or rest[0] not in WRITABLE:
        return False
    suffixes = WRITABLE[rest[0]]
    return not suffixes or rest[-1].endswith(suffixes)


def _decoded(asset: Any) -> bytes:
    if not isinstance(asset, dict) or asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
        raise Refused("Tệp tải lên không hợp lệ (cần nội dung base64).")
    if len(asset["content"]) > MAX_UPLOAD * 4 // 3 + 4:
        raise Refused(f"Tệp quá lớn: tối đa {MAX_UPLOAD // (1024 * 1024)} MB.", 413)
    try:
        return base64.b64decode(asset["content"], validate=True)
    except ValueError:
        raise Refused("Tệp tải lên không hợp lệ (base64 hỏng).") from None
