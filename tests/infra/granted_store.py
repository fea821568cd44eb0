"""An object store that allows only what a function's synthesized IAM statements allow, as S3 would: each call
is checked against the statement's actions and resource patterns (and a ListBucket's `s3:prefix` condition)
before the wrapped local store runs it. A missing key answers 404 only to a role that may list the bucket
without a prefix condition (S3's check carries no prefix), else 403. Refusals surface as the S3 adapter
surfaces them (`Unavailable`). Written for the tests from the IAM rules, not from the stack's code."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from foodsave.errors import Unavailable


class AccessDenied(Unavailable):
    """What S3 answers a call the role's policy does not allow (the adapter raises Unavailable for a 403)."""


def _patterns(resource: Any) -> list[str]:
    """An object resource `arn:...:bucket/<pattern>` as its key pattern; the bucket itself as ''."""
    resources = resource if isinstance(resource, list) else [resource]
    out = []
    for res in resources:
        if isinstance(res, dict) and "Fn::Join" in res:
            parts = res["Fn::Join"][1]
            tail = parts[-1] if isinstance(parts[-1], str) else ""
            out.append(tail[1:] if tail.startswith("/") else "")
        elif isinstance(res, dict) and "Fn::GetAtt" in res:
            out.append("")
        elif isinstance(res, str):
            out.append(res.split(":::", 1)[-1].partition("/")[2])
    return out


class Grants:
    def __init__(self, statements: list[dict[str, Any]]) -> None:
        self.statements = [s for s in statements if s.get("Effect", "Allow") == "Allow"]

    def _actions(self, statement: dict[str, Any]) -> list[str]:
        actions = statement["Action"]
        return actions if isinstance(actions, list) else [actions]

    def allows_object(self, action: str, key: str) -> bool:
        return any(
            action in self._actions(s) and any(p and fnmatchcase(key, p) for p in _patterns(s["Resource"]))
            for s in self.statements
        )

    def allows_list(self, prefix: str | None) -> bool:
        """ListBucket on the bucket; a `s3:prefix` condition needs a request prefix that matches it (HeadBucket
        sends none, so it fails such a condition)."""
        for s in self.statements:
            if "s3:ListBucket" not in self._actions(s) or "" not in _patterns(s["Resource"]):
                continue
            condition = s.get("Condition", {}).get("StringLike", {}).get("s3:prefix")
            if condition is None:
                return True
            wanted = condition if isinstance(condition, list) else [condition]
            if prefix is not None and any(fnmatchcase(prefix, w) for w in wanted):
                return True
        return False


class GrantedStore:
    """`store` behind the grants of one function's role."""

    def __init__(self, store: Any, statements: list[dict[str, Any]]) -> None:
        self.store = store
        self.bucket = store.bucket
        self.grants = Grants(statements)

    def _need(self, action: str, key: str) -> None:
        if not self.grants.allows_object(action, key):
            raise AccessDenied(f"{action} on {key}")

    def put(self, key: str, data: bytes, content_type: str | None = None) -> Any:
        self._need("s3:PutObject", key)
        return self.store.put(key, data, content_type)

    def put_if_absent(self, key: str, data: bytes, content_type: str | None = None) -> Any:
        self._need("s3:PutObject", key)
        return self.store.put_if_absent(key, data, content_type)

    def _present(self, key: str) -> bool:
        """Whether `key` exists; a missing key is a 403 to a role that may not list the whole bucket."""
        if self.store.head(key) is not None:
            return True
        if not self.grants.allows_list(None):
            raise AccessDenied(f"s3:GetObject on missing {key} without s3:ListBucket (403, not 404)")
        return False

    def get(self, key: str) -> bytes:
        self._need("s3:GetObject", key)
        self._present(key)
        return bytes(self.store.get(key))

    def head(self, key: str) -> Any:
        self._need("s3:GetObject", key)
        return self.store.head(key) if self._present(key) else None

    def download_to(self, key: str, path: Path) -> Path:
        self._need("s3:GetObject", key)
        self._present(key)
        return Path(self.store.download_to(key, path))

    def delete(self, key: str) -> None:
        self._need("s3:DeleteObject", key)
        self.store.delete(key)

    def list(self, prefix: str) -> list[str]:
        if not self.grants.allows_list(prefix):
            raise AccessDenied(f"s3:ListBucket with prefix {prefix!r}")
        return list(self.store.list(prefix))

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        for key in keys:
            self.delete(key)
        return len(keys)

    def presigned_post(self, key: str, *args: Any, **kwargs: Any) -> Any:
        self._need("s3:PutObject", key)
        return self.store.presigned_post(key, *args, **kwargs)

    def ping(self) -> None:
        if not self.grants.allows_list(None):
            raise AccessDenied("s3:ListBucket without a prefix (HeadBucket)")
        self.store.ping()


class GrantedQueue:
    """`queue` (the index-jobs queue, whose CloudFormation logical id is `queue_id`) behind a role's grants."""

    def __init__(self, queue: Any, statements: list[dict[str, Any]], queue_id: str) -> None:
        self.queue = queue
        self.arn = {"Fn::GetAtt": [queue_id, "Arn"]}
        self.statements = statements

    def _need(self, action: str) -> None:
        for s in self.statements:
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
            if action in actions and self.arn in resources:
                return
        raise AccessDenied(f"{action} on the index queue")

    def send(self, body: dict[str, Any], *, attributes: dict[str, str] | None = None) -> str:
        self._need("sqs:SendMessage")
        return str(self.queue.send(body, attributes=attributes))

    def depth(self) -> int:
        self._need("sqs:GetQueueAttributes")
        return int(self.queue.depth())

    def __getattr__(self, name: str) -> Any:
        # The tests' own consumer side (receive/delete) of the local queue, which no function role calls.
        if name in ("receive", "delete", "send_raw"):
            return getattr(self.queue, name)
        raise AttributeError(name)
