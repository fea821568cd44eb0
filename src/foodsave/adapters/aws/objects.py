"""S3 adapter of the ObjectStore port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from foodsave.errors import NotFound, Unavailable
from foodsave.ports import ObjectInfo, UploadSlot


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def _lost_condition(exc: ClientError) -> bool:
    """412 PreconditionFailed: the key exists; 409 ConditionalRequestConflict: a concurrent write to it won."""
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error.get("Code") in ("PreconditionFailed", "ConditionalRequestConflict") or status == 412


class S3ObjectStore:
    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def put(self, key: str, data: bytes, content_type: str | None = None) -> ObjectInfo:
        extra = {"ContentType": content_type} if content_type else {}
        try:
            resp = self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"object store write failed: {exc}") from exc
        return ObjectInfo(key=key, etag=resp["ETag"].strip('"'), size=len(data), content_type=content_type)

    def put_if_absent(self, key: str, data: bytes, content_type: str | None = None) -> ObjectInfo | None:
        """A conditional PutObject (`If-None-Match: *`): S3 answers 412 when the key exists."""
        extra = {"ContentType": content_type} if content_type else {}
        try:
            resp = self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, IfNoneMatch="*", **extra)
        except ClientError as exc:
            if _lost_condition(exc):
                return None
            raise Unavailable(f"object store write failed: {exc}") from exc
        except BotoCoreError as exc:
            raise Unavailable(f"object store write failed: {exc}") from exc
        return ObjectInfo(key=key, etag=resp["ETag"].strip('"'), size=len(data), content_type=content_type)

    def get(self, key: str) -> bytes:
        try:
            return bytes(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except ClientError as exc:
            if _missing(exc):
                raise NotFound(f"object {key} not found") from exc
            raise Unavailable(f"object store read failed: {exc}") from exc
        except BotoCoreError as exc:
            raise Unavailable(f"object store read failed: {exc}") from exc

    def head(self, key: str) -> ObjectInfo | None:
        try:
            resp = self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                return None
            raise Unavailable(f"object store head failed: {exc}") from exc
        except BotoCoreError as exc:
            raise Unavailable(f"object store head failed: {exc}") from exc
        return ObjectInfo(
            key=key,
            etag=resp["ETag"].strip('"'),
            size=int(resp["ContentLength"]),
            content_type=resp.get("ContentType"),
        )

    def delete(self, key: str) -> None:
        try:
            self.s3.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"object store delete failed: {exc}") from exc

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            try:
                answer = self.s3.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
                )
            except (BotoCoreError, ClientError) as exc:
                raise Unavailable(f"object store delete failed: {exc}") from exc
            # DeleteObjects answers 200 with per-key errors (AccessDenied, ...): those objects are still there.
            if errors := answer.get("Errors"):
                first = errors[0]
                raise Unavailable(
                    f"object store kept {len(errors)} of {len(chunk)} objects under {prefix!r}: "
                    f"{first.get('Code')} on {first.get('Key')}"
                )
        return len(keys)

    def list(self, prefix: str) -> list[str]:
        keys: list[str] = []
        try:
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                keys.extend(obj["Key"] for obj in page.get("Contents", []))
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"object store list failed: {exc}") from exc
        return sorted(keys)

    def download_to(self, key: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.s3.download_file(self.bucket, key, str(path))
        except ClientError as exc:
            if _missing(exc):
                raise NotFound(f"object {key} not found") from exc
            raise Unavailable(f"object store download failed: {exc}") from exc
        except BotoCoreError as exc:
            raise Unavailable(f"object store download failed: {exc}") from exc
        return path

    def presigned_post(
        self, key: str, content_types: tuple[str, ...], max_bytes: int, expires_seconds: int
    ) -> UploadSlot:
        conditions: list[Any] = [["content-length-range", 1, max_bytes]]
        if content_types:
            # S3 POST policies cannot OR values of one field, so the slot pins the first allowed type
            # unless the app names it; callers pass the single sniffed or declared type.
            conditions.append({"Content-Type": content_types[0]})
        post = self.s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_types[0]} if content_types else None,
            Conditions=conditions,
            ExpiresIn=expires_seconds,
        )
        return UploadSlot(
            url=post["url"],
            fields={k: str(v) for k, v in post["fields"].items()},
            key=key,
            expires_at=datetime.now(UTC) + timedelta(seconds=expires_seconds),
            max_bytes=max_bytes,
            content_types=content_types,
        )

    def ping(self) -> None:
        try:
            self.s3.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"object store unreachable: {exc}") from exc
