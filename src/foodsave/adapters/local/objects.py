"""Object store on a local folder, shaped like S3: keys, ETags (MD5), presigned POSTs and upload triggers."""

from __future__ import annotations

import base64
import errno
import hashlib
import hmac
import json
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from foodsave.errors import InvalidInput, NotFound, Unavailable
from foodsave.ports import ObjectInfo, UploadSlot

ObjectListener = Callable[[str, ObjectInfo], None]


def safe_key(key: str) -> str:
    """Reject keys that could escape the bucket folder (absolute, `..`, backslashes, NUL)."""
    if not key or "\x00" in key or "\\" in key or key.startswith("/"):
        raise InvalidInput(f"invalid object key: {key!r}")
    parts = PurePosixPath(key).parts
    if any(p in ("..", ".", "") for p in parts) or key.endswith("/"):
        raise InvalidInput(f"invalid object key: {key!r}")
    return key


class LocalObjectStore:
    """Objects as files under `root/bucket/`; metadata beside them under `root/.meta/bucket/`."""

    def __init__(
        self, root: Path, bucket: str, *, upload_url: str = "http://127.0.0.1:8000/local-uploads"
    ) -> None:
        self.root = Path(root)
        self.bucket = bucket
        self.upload_url = upload_url
        self._base = self.root / bucket
        self._meta = self.root / ".meta" / bucket
        self._listeners: list[ObjectListener] = []
        self._lock = threading.Lock()
        self.available = True
        self._secret = self._load_secret()

    # -- plumbing -----------------------------------------------------------------
    def _load_secret(self) -> bytes:
        path = self.root / ".upload-secret"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_bytes(32)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-secret-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(value)
            os.link(tmp, path)  # all-or-nothing: a racing store never reads a half-written secret
        except FileExistsError:
            return path.read_bytes()
        finally:
            os.unlink(tmp)
        return value

    def _check(self) -> None:
        if not self.available:
            raise Unavailable("object store is unavailable")

    def _path(self, key: str) -> Path:
        return self._base / safe_key(key)

    def _meta_path(self, key: str) -> Path:
        return self._meta / (safe_key(key) + ".json")

    def on_put(self, listener: ObjectListener) -> None:
        """Call `listener(bucket, info)` after each successful put (like an S3 ObjectCreated notification)."""
        self._listeners.append(listener)

    # -- port -----------------------------------------------------------------------
    def put(self, key: str, data: bytes, content_type: str | None = None) -> ObjectInfo:
        self._check()
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        info = self._record(key, data, content_type)
        for listener in list(self._listeners):
            listener(self.bucket, info)
        return info

    def put_if_absent(self, key: str, data: bytes, content_type: str | None = None) -> ObjectInfo | None:
        """Write to a temp file, then hard-link it to the key: the link fails atomically if the key exists."""
        self._check()
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            try:
                os.link(tmp, path)
            except FileExistsError:
                return None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                if not self._create_exclusive(path, data):  # no hard links on this filesystem
                    return None
        finally:
            os.unlink(tmp)
        info = self._record(key, data, content_type)
        for listener in list(self._listeners):
            listener(self.bucket, info)
        return info

    @staticmethod
    def _create_exclusive(path: Path, data: bytes) -> bool:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return True

    def _record(self, key: str, data: bytes, content_type: str | None) -> ObjectInfo:
        """Write the etag/size/type metadata beside an object that is already in place."""
        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        meta = self._meta_path(key)
        meta.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=meta.parent, prefix=".tmp-")
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps({"etag": etag, "content_type": content_type, "size": len(data)}))
        os.replace(tmp, meta)
        return ObjectInfo(key=key, etag=etag, size=len(data), content_type=content_type)

    def get(self, key: str) -> bytes:
        self._check()
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"object {key} not found") from exc

    def head(self, key: str) -> ObjectInfo | None:
        self._check()
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            meta = json.loads(self._meta_path(key).read_text())
        except (FileNotFoundError, ValueError):
            data = path.read_bytes()
            meta = {"etag": hashlib.md5(data, usedforsecurity=False).hexdigest(), "size": len(data)}
        return ObjectInfo(
            key=key, etag=meta["etag"], size=int(meta["size"]), content_type=meta.get("content_type")
        )

    def delete(self, key: str) -> None:
        self._check()
        self._path(key).unlink(missing_ok=True)
        self._meta_path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        for key in keys:
            self.delete(key)
        return len(keys)

    def list(self, prefix: str) -> list[str]:
        self._check()
        if not self._base.exists():
            return []
        # Walk only the folder the prefix names (its complete path segments), not the whole bucket.
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        start = self._base / folder if folder and ".." not in folder.split("/") else self._base
        if not start.is_dir():
            return []
        out = []
        for path in start.rglob("*"):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(self._base).as_posix()
                if key.startswith(prefix):
                    out.append(key)
        return sorted(out)

    def download_to(self, key: str, path: Path) -> Path:
        self._check()
        src = self._path(key)
        if not src.is_file():
            raise NotFound(f"object {key} not found")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, path)
        return path

    def ping(self) -> None:
        self._check()
        self._base.mkdir(parents=True, exist_ok=True)

    # -- presigned POST, verified by the local upload route ------------------------------
    def presigned_post(
        self, key: str, content_types: tuple[str, ...], max_bytes: int, expires_seconds: int
    ) -> UploadSlot:
        safe_key(key)
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_seconds)
        policy = {
            "key": key,
            "content_types": list(content_types),
            "max_bytes": max_bytes,
            "expires": int(expires_at.timestamp()),
        }
        encoded = base64.urlsafe_b64encode(json.dumps(policy, sort_keys=True).encode()).decode()
        signature = hmac.new(self._secret, encoded.encode(), hashlib.sha256).hexdigest()
        return UploadSlot(
            url=self.upload_url,
            fields={"key": key, "policy": encoded, "signature": signature},
            key=key,
            expires_at=expires_at,
            max_bytes=max_bytes,
            content_types=content_types,
        )

    def verify_policy(self, encoded: str, signature: str, now: datetime | None = None) -> dict[str, object]:
        """Check a presigned POST's policy like S3 would; return it or raise InvalidInput."""
        expected = hmac.new(self._secret, encoded.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise InvalidInput("upload policy signature does not match")
        try:
            policy: dict[str, object] = json.loads(base64.urlsafe_b64decode(encoded.encode()))
        except ValueError as exc:
            raise InvalidInput("upload policy is malformed") from exc
        now = now or datetime.now(UTC)
        if now.timestamp() > float(policy["expires"]):  # type: ignore[arg-type]
            raise InvalidInput("upload policy has expired")
        return policy
