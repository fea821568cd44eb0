"""The local runtime: the whole HTTP API in one process plus the event wiring AWS would provide.

Uploads under `uploads/receipts/` reach the `ocr` handler as S3 events through a durable folder queue;
queue messages reach the `index-builder` as SQS batches (failed items are retried, then dead-lettered); a
timer fires the `alert-evaluator` with an EventBridge scheduled event. On start, whatever a killed process
left half-done (received messages, receipts claimed or never read) is handed out again. Everything lives
under FOODSAVE_DATA_DIR.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from foodsave.adapters.local import LocalObjectStore, LocalQueue
from foodsave.bootstrap import build_services, set_services
from foodsave.config import Settings
from foodsave.db.migrate import upgrade
from foodsave.observability import add_metric_sink, logger, remove_metric_sink
from foodsave.ports import ObjectInfo
from foodsave.runtime import events
from foodsave.runtime.context import LocalLambdaContext
from foodsave.runtime.handlers import load_handler
from foodsave.runtime.receipt_worker import ReceiptProcess, prepare_child
from foodsave.services import Services


class MetricBuffer:
    """The local metrics store's writer: points are buffered and written in one transaction per flush."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._points: list[tuple[str, float, str, dict[str, str]]] = []
        self._lock = threading.Lock()

    def __call__(self, name: str, value: float, unit: str, dimensions: dict[str, str]) -> None:
        with self._lock:
            self._points.append((name, value, unit, dimensions))

    def flush(self) -> int:
        from sqlalchemy import insert

        from foodsave.db.models import MetricPoint

        with self._lock:
            points, self._points = self._points, []
        if points:
            now = self.services.clock.now()
            rows = [
                {"name": n, "value": v, "unit": u, "dimensions": d or None, "at": now}
                for n, v, u, d in points
            ]
            # One multi-row INSERT (RETURNING makes SQLAlchemy batch the rows) without an ORM object per point.
            with self.services.db.session() as session:
                session.execute(insert(MetricPoint).returning(MetricPoint.id), rows)
        return len(points)


class LocalRuntime:
    """Owns the services and the three background wires (uploads, queue, schedule)."""

    def __init__(
        self,
        settings: Settings,
        *,
        schedule: bool = True,
        poll_seconds: float = 0.5,
        receipt_process: bool = False,
    ) -> None:
        """With `receipt_process`, receipts are read by a process of their own (see receipt_worker)."""
        self.settings = settings.model_copy(update={"dev_auth": True, "env": "local"})
        _owner_only(self.settings)
        upgrade(self.settings.resolved_database_url())
        _owner_only(self.settings)
        self.services = build_services(self.settings)
        set_services(self.services)
        self._metric_sink = MetricBuffer(self.services)
        add_metric_sink(self._metric_sink)
        self.poll_seconds = poll_seconds
        self.schedule = schedule
        self._stop = threading.Event()
        # The S3 -> ocr notification: a durable queue, so an accepted upload survives a crash.
        self.receipt_queue = LocalQueue(
            self.settings.queues_dir, "receipt-uploads", max_receives=3, visibility_seconds=300.0
        )
        self.services.receipt_queue = self.receipt_queue
        self._threads: list[threading.Thread] = []
        self._receipt_process = (
            ReceiptProcess(read_receipts_apart, self.settings, poll_seconds) if receipt_process else None
        )
        self._idle = threading.Condition()
        self._busy = 0
        store = self.services.store
        if isinstance(store, LocalObjectStore):
            store.on_put(self._on_object_created)

    # -- wires ------------------------------------------------------------------------
    def _on_object_created(self, bucket: str, info: ObjectInfo) -> None:
        if info.key.startswith("uploads/receipts/"):
            self.receipt_queue.send(events.s3_object_created(bucket, info.key, info.etag, info.size))
        elif info.key.startswith("uploads/documents/"):
            # In AWS the bucket notifies the index queue; the message body is the S3 event itself.
            self.services.queue.send(events.s3_object_created(bucket, info.key, info.etag, info.size))

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Call one handler as Lambda would, then publish what it left in the outbox."""
        with self._idle:
            self._busy += 1
        try:
            result = load_handler(function)(event, LocalLambdaContext(function_name=f"foodsave-{function}"))
            self.services.dispatch_outbox()
            return result
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _safe_invoke(self, function: str, event: dict[str, Any]) -> Any:
        try:
            return self.invoke(function, event)
        except Exception:  # noqa: BLE001 - a failed invocation is logged like Lambda would, the loop goes on
            logger.exception("local invocation failed", extra={"function": function})
            return None

    def drain_receipts_once(self) -> int:
        """Hand one queued upload to the `ocr` handler; an infrastructure failure is retried, and a message
        that used up its deliveries fails its receipt with that reason. Returns how many messages it held."""
        messages = self.receipt_queue.receive(1)
        for m in messages:
            try:
                event = json.loads(m.body)
            except ValueError:
                logger.error("unreadable receipt upload message dropped", extra={"message_id": m.message_id})
                self.receipt_queue.delete(m.receipt_handle)
                continue
            if self._safe_invoke("ocr", event) is not None:
                self.receipt_queue.delete(m.receipt_handle)
                continue
            self.receipt_queue.release(m.receipt_handle)
            if m.receive_count >= self.receipt_queue.max_receives:
                self._give_up(event, m.receive_count)
        return len(messages)

    def _give_up(self, event: dict[str, Any], attempts: int) -> None:
        from foodsave.receipts.recovery import fail_undelivered

        for record in event.get("Records") or []:
            key = unquote_plus(record["s3"]["object"]["key"])
            reason = f"The receipt could not be processed after {attempts} attempts; please upload it again."
            fail_undelivered(self.services.db, key, reason, self.services.clock.now())

    def _upload_loop(self) -> None:
        while not self._stop.is_set():
            if not self.drain_receipts_once():
                self._stop.wait(self.poll_seconds)

    def recover(self) -> int:
        """Hand out again what a killed process left half-done; returns how many receipts were re-queued."""
        from foodsave.api.idempotency import IdempotencyStore
        from foodsave.receipts.recovery import release_stranded
        from foodsave.vectors.publish import IndexPublisher

        IdempotencyStore(self.services.db).unlock_all(self.services.clock.now())
        IndexPublisher(self.services.store, clock=self.services.clock).abandon_claims()
        self.receipt_queue.recover_inflight()
        if isinstance(self.services.queue, LocalQueue):
            self.services.queue.recover_inflight()
        stranded = release_stranded(self.services.db, self.services.store)
        for upload in stranded:
            info = upload.info
            self.receipt_queue.send(
                events.s3_object_created(
                    self.services.store.bucket,
                    upload.key,
                    info.etag if info else "",
                    info.size if info else 0,
                )
            )
        return len(stranded)

    def drain_queue_once(self) -> int:
        """Deliver one SQS-shaped batch to the index-builder; returns how many messages it held."""
        q = self.services.queue
        if not isinstance(q, LocalQueue):
            return 0
        messages = q.receive(10)
        if not messages:
            return 0
        batch = events.sqs_batch(
            events.sqs_record(
                m.body,
                message_id=m.message_id,
                receipt_handle=m.receipt_handle,
                receive_count=m.receive_count,
                sent_at=m.sent_at,
                trace_header=m.attributes.get("AWSTraceHeader"),
                queue_arn=q.arn,
            )
            for m in messages
        )
        result = self._safe_invoke("index-builder", batch)
        if result is None:
            failed = {m.message_id for m in messages}
        else:
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        for m in messages:
            if m.message_id in failed:
                q.release(m.receipt_handle)
            else:
                q.delete(m.receipt_handle)
        return len(messages)

    def _queue_loop(self) -> None:
        while not self._stop.is_set():
            if not self.drain_queue_once():
                self._stop.wait(self.poll_seconds)

    def flush_metrics(self) -> int:
        try:
            return self._metric_sink.flush()
        except Exception:  # noqa: BLE001 - metrics must never stop the runtime
            logger.exception("local metrics flush failed")
            return 0

    def _metrics_loop(self) -> None:
        while not self._stop.wait(1.0):
            self.flush_metrics()

    def fire_schedule(self, when: datetime | None = None) -> Any:
        self.flush_metrics()
        return self._safe_invoke("alert-evaluator", events.scheduled_event(when or self.services.clock.now()))

    def _schedule_loop(self) -> None:
        """Evaluate at once (expiry warnings are not 15 minutes late after a start), then on the interval."""
        self.fire_schedule()
        while not self._stop.wait(self.settings.schedule_seconds):
            self.fire_schedule()

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        self.recover()
        loops = [self._queue_loop, self._metrics_loop] + ([self._schedule_loop] if self.schedule else [])
        if self._receipt_process is None:
            loops.insert(0, self._upload_loop)
        else:
            self._receipt_process.start()  # after recover(): the process is the queue's only consumer
        for loop in loops:
            thread = threading.Thread(target=loop, name=f"foodsave-{loop.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)

    @property
    def receipt_process_pid(self) -> int | None:
        """The receipt process's id while it runs (None when receipts are read on a thread here)."""
        return self._receipt_process.pid if self._receipt_process is not None else None

    def read_receipts(self) -> None:
        """The receipt process's whole job: read receipts (and flush their metrics) until `request_stop`."""
        flusher = threading.Thread(target=self._metrics_loop, name="foodsave-metrics", daemon=True)
        flusher.start()
        try:
            self._upload_loop()
        finally:
            flusher.join(timeout=5)
            self.flush_metrics()

    def request_stop(self) -> None:
        self._stop.set()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until uploads and the queue are drained (tests and the demo use it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            q = self.services.queue
            pending = self.receipt_queue.depth() + (q.depth() if isinstance(q, LocalQueue) else 0)
            with self._idle:
                if pending == 0 and self._busy == 0:
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        self._stop.set()
        if self._receipt_process is not None:
            self._receipt_process.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self.flush_metrics()
        remove_metric_sink(self._metric_sink)


def _owner_only(settings: Settings) -> None:
    """The data folder (database, objects, queues, events) is readable by its owner only."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.data_dir, 0o700)
    if settings.database_url is None and settings.sqlite_path.exists():
        os.chmod(settings.sqlite_path, 0o600)


def publish_bundled_indexes(services: Services) -> list[str]:
    """Build the bundled recipe and knowledge indexes when they are missing or stale, so a fresh runtime
    answers searches (and reports `ok`) from its first request; returns `name vN` of each published index."""
    from foodsave.alerts.metrics_source import read_index_pointers

    _ = services.search  # built on first use; in the local runtime that indexes the bundled corpora
    found, _missing = read_index_pointers(services.store, services.clock.now())
    return [f"{i.name} v{i.version}" for i in found]


def banner(settings: Settings, base: str, indexes: list[str]) -> str:
    """What `foodsave serve` runs on: URLs, database, data folder, indexes and the evaluation schedule."""
    from sqlalchemy.engine import make_url

    from foodsave.db.session import driver_url

    database = make_url(driver_url(settings.resolved_database_url())).render_as_string(hide_password=True)
    example = json.dumps({"name": "Mleko 2%", "expires_at": "2030-01-01"})
    return "\n".join(
        [
            f"FoodSave AI local runtime on {base}",
            f"  API docs:  {base}/docs   contract: {base}/openapi.json   status: {base}/v1/status",
            f"  database:  {database}",
            f"  data:      {settings.data_dir.resolve()}",
            f"  indexes:   {', '.join(indexes) or 'none published'}",
            f"  schedule:  expiry warnings and alerts evaluated now and every {settings.schedule_seconds:g} s "
            "(--schedule-seconds or FOODSAVE_SCHEDULE_SECONDS)",
            "  sign in:   Authorization: Bearer dev-<name>  (e.g. dev-anna)",
            "Try: curl -s -H 'Authorization: Bearer dev-anna' -H 'Content-Type: application/json' "
            f"-d '{example}' {base}/v1/pantry/items",
        ]
    )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """`foodsave serve`: the whole API with the event wiring, until interrupted."""
    import uvicorn

    from foodsave.api.apps import local_app

    runtime = LocalRuntime(settings, receipt_process=True)
    base = f"http://{host}:{port}"
    if isinstance(runtime.services.store, LocalObjectStore):
        runtime.services.store.upload_url = f"{base}/local-uploads"
    indexes = publish_bundled_indexes(runtime.services)
    runtime.start()
    print(banner(runtime.settings, base, indexes), flush=True)
    app = local_app()
    app.openapi()  # built now, not on the first request for the contract (a second of CPU on the event loop)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        runtime.stop()


def read_receipts_apart(settings: Settings, poll_seconds: float, parent_pid: int, nice: int) -> None:
    """Main of the receipt reader process (see receipt_worker): read receipts from the queue until SIGTERM or
    the server's death."""
    prepare_child(parent_pid, nice)
    runtime = LocalRuntime(settings, schedule=False, poll_seconds=poll_seconds)
    signal.signal(signal.SIGTERM, lambda *_: runtime.request_stop())
    runtime.read_receipts()
