"""A durable queue on a folder with SQS semantics: visibility timeout, receive count and a dead-letter folder."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ReceivedMessage:
    message_id: str
    receipt_handle: str
    body: str
    attributes: dict[str, str]
    receive_count: int
    sent_at: float


class LocalQueue:
    """Messages are files in `ready/`; receiving moves them to `inflight/` until deleted or timed out."""

    def __init__(
        self, root: Path, name: str = "index-jobs", *, max_receives: int = 3, visibility_seconds: float = 60.0
    ) -> None:
        self.name = name
        self.root = Path(root) / name
        self.max_receives = max_receives
        self.visibility_seconds = visibility_seconds
        self._lock = threading.Lock()
        for sub in ("ready", "inflight", "dlq"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.arn = f"arn:aws:sqs:local:000000000000:{name}"

    def _write(self, folder: str, record: dict[str, Any]) -> None:
        path = self.root / folder / f"{record['sent_at']:.6f}-{record['message_id']}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, path)

    def send(self, body: dict[str, Any], *, attributes: dict[str, str] | None = None) -> str:
        message_id = str(uuid.uuid4())
        record = {
            "message_id": message_id,
            "body": json.dumps(body),
            "attributes": attributes or {},
            "receive_count": 0,
            "sent_at": time.time(),
        }
        with self._lock:
            self._write("ready", record)
        return message_id

    def send_raw(self, body: str) -> str:
        """Enqueue a body that is not JSON (tests of poison messages)."""
        message_id = str(uuid.uuid4())
        with self._lock:
            self._write(
                "ready",
                {
                    "message_id": message_id,
                    "body": body,
                    "attributes": {},
                    "receive_count": 0,
                    "sent_at": time.time(),
                },
            )
        return message_id

    def _requeue_expired(self) -> None:
        now = time.time()
        for path in (self.root / "inflight").glob("*.json"):
            try:
                record = json.loads(path.read_text())
            except (FileNotFoundError, ValueError):
                continue
            if now - record.get("received_at", 0) >= self.visibility_seconds:
                target = "dlq" if record["receive_count"] >= self.max_receives else "ready"
                self._write(target, record)
                path.unlink(missing_ok=True)

    def recover_inflight(self) -> int:
        """Make every in-flight message visible again at once: called by the only consumer when it starts,
        so what a killed process had received is redelivered now rather than after the visibility timeout."""
        with self._lock:
            paths = list((self.root / "inflight").glob("*.json"))
            for path in paths:
                try:
                    record = json.loads(path.read_text())
                except (FileNotFoundError, ValueError):
                    continue
                self._write("dlq" if record["receive_count"] >= self.max_receives else "ready", record)
                path.unlink(missing_ok=True)
            return len(paths)

    def receive(self, max_messages: int = 10) -> list[ReceivedMessage]:
        with self._lock:
            self._requeue_expired()
            out: list[ReceivedMessage] = []
            for path in sorted((self.root / "ready").glob("*.json"))[:max_messages]:
                try:
                    record = json.loads(path.read_text())
                except (FileNotFoundError, ValueError):
                    continue
                record["receive_count"] += 1
                record["received_at"] = time.time()
                handle = record["message_id"]
                (self.root / "inflight" / f"{handle}.json").write_text(json.dumps(record))
                path.unlink(missing_ok=True)
                out.append(
                    ReceivedMessage(
                        message_id=record["message_id"],
                        receipt_handle=handle,
                        body=record["body"],
                        attributes=record["attributes"],
                        receive_count=record["receive_count"],
                        sent_at=record["sent_at"],
                    )
                )
            return out

    def delete(self, receipt_handle: str) -> None:
        with self._lock:
            (self.root / "inflight" / f"{receipt_handle}.json").unlink(missing_ok=True)

    def release(self, receipt_handle: str) -> None:
        """Make a failed message visible again now, or move it to the DLQ once it has used its receives."""
        with self._lock:
            path = self.root / "inflight" / f"{receipt_handle}.json"
            try:
                record = json.loads(path.read_text())
            except FileNotFoundError:
                return
            target = "dlq" if record["receive_count"] >= self.max_receives else "ready"
            self._write(target, record)
            path.unlink(missing_ok=True)

    def depth(self) -> int:
        return len(list((self.root / "ready").glob("*.json"))) + len(
            list((self.root / "inflight").glob("*.json"))
        )

    def dlq_depth(self) -> int:
        return len(list((self.root / "dlq").glob("*.json")))
