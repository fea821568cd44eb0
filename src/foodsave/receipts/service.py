"""ReceiptService: upload slots, idempotent processing of uploaded objects, review and confirmation into the
pantry. Every user-facing query is scoped by household; processing is keyed by bucket + object key + ETag."""

from __future__ import annotations

import builtins
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from foodsave.db.locking import claim_owned
from foodsave.db.models import Receipt, ReceiptLine, User
from foodsave.errors import (
    Conflict,
    FoodSaveError,
    InvalidInput,
    NotFound,
    TooLarge,
    Unavailable,
    UnsupportedMedia,
)
from foodsave.events import Event
from foodsave.households.membership import household_of
from foodsave.observability import logger, record_metric, span
from foodsave.ports import NoHolds
from foodsave.receipts.media import ALLOWED_MEDIA_TYPES, EXTENSIONS, sniff_media_type
from foodsave.receipts.review import duplicate_flag, flags_from_parse

if TYPE_CHECKING:
    from foodsave.db.models import PantryItem
    from foodsave.db.session import Database
    from foodsave.ports import Clock, HoldPoints, ObjectStore, UploadSlot
    from foodsave.receipts.pipeline import PipelineResult, ReceiptPipeline

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
KEY_PREFIX = "uploads/receipts/"
KEY_RE = re.compile(
    r"^uploads/receipts/(?P<user>[^/]+)/(?P<receipt>[0-9a-f-]{36})\.(?P<ext>jpg|png|webp|pdf)$"
)
REVIEWABLE = ("parsed", "needs_review")
# A `processing` claim older than this is taken over by a redelivery (the first attempt died).
STALE_CLAIM = timedelta(minutes=15)
LOCAL_ZONE = "Europe/Warsaw"


def receipt_key(user_id: str, receipt_id: str, media_type: str) -> str:
    return f"{KEY_PREFIX}{user_id}/{receipt_id}.{EXTENSIONS[media_type]}"


@dataclass(frozen=True)
class ProcessOutcome:
    """What processing one S3 object did: processed, duplicate, ignored (not a receipt key) or failed."""

    outcome: str
    receipt_id: str | None = None
    status: str | None = None
    reason: str | None = None


class ReceiptService:
    """A household's receipts as one member uses them: upload slots, direct uploads, listing, review edits
    and confirmation."""

    def __init__(
        self,
        session: Session,
        user_id: str,
        *,
        store: ObjectStore | None = None,
        clock: Clock,
        max_bytes: int = MAX_UPLOAD_BYTES,
        presign_expires_seconds: int = 900,
    ) -> None:
        self.session = session
        self.user_id = user_id
        self.household_id = household_of(session, user_id)
        self.store = store
        self.clock = clock
        self.max_bytes = max_bytes
        self.presign_expires_seconds = presign_expires_seconds

    def _now(self) -> datetime:
        return self.clock.now()

    def _require_store(self) -> ObjectStore:
        if self.store is None:
            raise RuntimeError("ReceiptService needs an object store for uploads")
        return self.store

    # -- uploads --------------------------------------------------------------------------------
    def create_upload_slot(self, media_type: str = "image/jpeg") -> tuple[Receipt, UploadSlot]:
        """A `pending` receipt and a presigned POST for its object (4 media types, at most max_bytes)."""
        if media_type not in ALLOWED_MEDIA_TYPES:
            raise UnsupportedMedia(
                f"{media_type} is not accepted; use one of {', '.join(ALLOWED_MEDIA_TYPES)}"
            )
        receipt_id = str(uuid.uuid4())
        receipt = Receipt(
            id=receipt_id,
            household_id=self.household_id,
            user_id=self.user_id,
            object_key=receipt_key(self.user_id, receipt_id, media_type),
            content_type=media_type,
            status="pending",
            created_at=self._now(),
        )
        self.session.add(receipt)
        self.session.flush()
        slot = self._require_store().presigned_post(
            receipt.object_key, ALLOWED_MEDIA_TYPES, self.max_bytes, self.presign_expires_seconds
        )
        return receipt, slot

    def upload(self, data: bytes) -> Receipt:
        """Store an uploaded file directly (local runtime); the store's ObjectCreated wiring processes it."""
        if len(data) > self.max_bytes:
            raise TooLarge(f"the file has {len(data)} bytes; the limit is {self.max_bytes}")
        if not data:
            raise InvalidInput("the file is empty")
        media = sniff_media_type(data)
        if media is None:
            raise UnsupportedMedia(f"the file is not one of {', '.join(ALLOWED_MEDIA_TYPES)}")
        receipt_id = str(uuid.uuid4())
        receipt = Receipt(
            id=receipt_id,
            household_id=self.household_id,
            user_id=self.user_id,
            object_key=receipt_key(self.user_id, receipt_id, media),
            content_type=media,
            status="pending",
            created_at=self._now(),
        )
        self.session.add(receipt)
        # Committed before the object exists, so the processor always finds the row.
        self.session.commit()
        self._require_store().put(receipt.object_key, data, content_type=media)
        return receipt

    # -- reading --------------------------------------------------------------------------------
    def _scoped(self):  # type: ignore[no-untyped-def]
        return select(Receipt).where(Receipt.household_id == self.household_id)

    def get(self, receipt_id: str) -> Receipt:
        receipt = self.session.scalar(
            self._scoped().where(Receipt.id == receipt_id).options(selectinload(Receipt.lines))
        )
        if receipt is None:
            raise NotFound(f"receipt {receipt_id} not found")
        return receipt

    def list(
        self, *, limit: int = 20, offset: int = 0, status: str | None = None
    ) -> tuple[Sequence[Receipt], int]:
        query = self._scoped()
        if status:
            query = query.where(Receipt.status == status)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.options(selectinload(Receipt.lines))
            .order_by(Receipt.created_at.desc(), Receipt.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total

    # -- review ---------------------------------------------------------------------------------
    def _claim(self, receipt_id: str) -> Receipt:
        """The receipt and its lines as committed now (copies read earlier in this session are overwritten),
        held against concurrent review edits and confirms."""
        receipt = claim_owned(
            self.session, Receipt, receipt_id, self.household_id, "receipt", updated_at=self._now()
        )
        fresh = select(ReceiptLine).where(ReceiptLine.receipt_id == receipt.id)
        self.session.scalars(fresh.execution_options(populate_existing=True)).all()
        self.session.refresh(receipt, attribute_names=["lines"])
        return receipt

    def patch_line(self, receipt_id: str, line_id: str, changes: dict[str, Any]) -> ReceiptLine:
        """Correct one line before confirmation; a new name without a category is categorised again."""
        from foodsave.categories.categorize import CATEGORIES, default_categorizer, normalize_name

        receipt = self._claim(receipt_id)
        if receipt.status == "confirmed":
            raise Conflict("the receipt is already confirmed; edit the pantry items instead")
        if receipt.status not in REVIEWABLE:
            raise Conflict(f"the receipt is {receipt.status}; lines can be edited once it is parsed")
        line = next((ln for ln in receipt.lines if ln.id == line_id), None)
        if line is None:
            raise NotFound(f"line {line_id} not found on receipt {receipt_id}")
        if (
            "category" in changes
            and changes["category"] is not None
            and changes["category"] not in CATEGORIES
        ):
            raise InvalidInput(f"unknown category {changes['category']!r}")
        for field in ("name", "quantity", "unit", "unit_price", "discount", "total", "category"):
            if field in changes and changes[field] is not None:
                setattr(line, field, changes[field])
        if changes.get("name") is not None:
            line.name = normalize_name(changes["name"]) or changes["name"]
            if changes.get("category") is None:
                line.category, line.confidence = default_categorizer().categorize(changes["name"])
        if changes.get("category") is not None:
            line.confidence = 1.0
        self.session.flush()
        return line

    def confirm(self, receipt_id: str) -> tuple[Receipt, builtins.list[PantryItem]]:
        """Move the food lines into the pantry with estimated expiry; a second confirm returns the same items."""
        from foodsave.categories.categorize import is_food
        from foodsave.outbox import record
        from foodsave.pantry.schemas import PantryItemIn
        from foodsave.pantry.service import PantryService
        from foodsave.receipts.expiry import ExpiryEstimator

        # Claimed first: a concurrent confirm or line edit of the same receipt waits here (row lock on
        # PostgreSQL, the write lock on SQLite) and then sees `confirmed` instead of adding duplicates.
        receipt = self._claim(receipt_id)
        line_ids = [ln.id for ln in receipt.lines]
        if receipt.status == "confirmed":
            return receipt, self._pantry_items_of(line_ids)
        if receipt.status not in REVIEWABLE:
            raise Conflict(f"the receipt is {receipt.status}; only a parsed receipt can be confirmed")
        user = self.session.get(User, self.user_id)
        zone = user.timezone if user else LOCAL_ZONE
        purchased = (
            _local_date(receipt.purchased_at, zone)
            if receipt.purchased_at
            else _local_date(self._now(), zone)
        )
        estimator = ExpiryEstimator()
        pantry = PantryService(self.session, self.user_id)
        existing = {p.receipt_line_id for p in self._pantry_items_of(line_ids)}
        for line in receipt.lines:
            if not is_food(line.category) or line.id in existing:
                continue
            estimate = estimator.estimate(line.category, line.name_raw, purchased)
            unit = line.unit if line.unit in ("szt", "kg", "g", "l", "ml", "opak") else "szt"
            quantity = line.quantity if line.quantity and line.quantity > 0 else Decimal("1")
            pantry.add(
                PantryItemIn(
                    name=(line.name or line.name_raw or "?")[:200],
                    category=line.category,  # type: ignore[arg-type]
                    quantity=quantity,
                    unit=unit,  # type: ignore[arg-type]
                    price=line.total if line.total is not None and line.total >= 0 else None,
                    purchased_at=purchased,
                    expires_at=estimate.expires_at,
                ),
                expiry_estimated=True,
                receipt_line_id=line.id,
            )
        receipt.status = "confirmed"
        receipt.updated_at = self._now()
        items = self._pantry_items_of(line_ids)
        record(
            self.session,
            Event(
                type="ReceiptConfirmed",
                user_id=self.user_id,
                occurred_at=self._now().isoformat(),
                data={"receipt_id": receipt.id, "pantry_item_ids": [i.id for i in items]},
            ),
        )
        self.session.flush()
        return receipt, items

    def _pantry_items_of(self, line_ids: builtins.list[str]) -> builtins.list[PantryItem]:
        from foodsave.db.models import PantryItem  # the pantry's models load with a receipt's confirmation

        if not line_ids:
            return []
        return list(
            self.session.scalars(
                select(PantryItem)
                .where(PantryItem.household_id == self.household_id, PantryItem.receipt_line_id.in_(line_ids))
                .order_by(PantryItem.created_at, PantryItem.id)
            ).all()
        )


class ReceiptProcessor:
    """Turns an uploaded object into a parsed receipt. Safe to run twice for the same object version."""

    def __init__(
        self,
        db: Database,
        store: ObjectStore,
        clock: Clock,
        pipeline: ReceiptPipeline | None = None,
        *,
        max_bytes: int = MAX_UPLOAD_BYTES,
        engine_name: str = "auto",
        holds: HoldPoints | None = None,
    ) -> None:
        self.db = db
        self.store = store
        self.clock = clock
        self._pipeline = pipeline
        self.max_bytes = max_bytes
        self.engine_name = engine_name
        self.holds = holds or NoHolds()

    def _now(self) -> datetime:
        return self.clock.now()

    @property
    def pipeline(self) -> ReceiptPipeline:
        if self._pipeline is None:
            from foodsave.receipts.pipeline import ReceiptPipeline

            self._pipeline = ReceiptPipeline(engine_name=self.engine_name, max_bytes=self.max_bytes)
        return self._pipeline

    def process_object(
        self, bucket: str, key: str, etag: str | None, size: int | None = None
    ) -> ProcessOutcome:
        """Process one S3 object; never raises for bad input (the receipt ends `failed` with a reason)."""
        etag = (etag or "").strip('"') or None
        m = KEY_RE.match(key)
        if m is None or bucket != self.store.bucket:
            logger.warning("not a receipt upload; ignored", extra={"bucket": bucket, "key": key})
            return ProcessOutcome("ignored", reason="not a receipt upload key")
        receipt_id, user_id = m.group("receipt"), m.group("user")
        claim = self._claim(receipt_id, user_id, key, etag)
        if claim is not None:
            return claim
        started = self._now()
        try:
            with span("ocr.receipt", receipt_id=receipt_id):
                info = self.store.head(key)
                if info is None:
                    raise NotFound("the uploaded file is gone")
                if info.size > self.max_bytes or (size or 0) > self.max_bytes:
                    raise TooLarge(f"the file has {info.size} bytes; the limit is {self.max_bytes}")
                data = self.store.get(key)
                self.holds.hold("receipt.ocr")
                result = self.pipeline.process(data)
        except FoodSaveError as exc:
            return self._fail(receipt_id, exc.detail)
        except Exception:  # noqa: BLE001 - any other failure still ends as a failed receipt
            logger.exception("receipt processing crashed", extra={"receipt_id": receipt_id})
            return self._fail(receipt_id, "the receipt could not be read; please try another photo")
        return self._store_result(receipt_id, result, started)

    def _claim(self, receipt_id: str, user_id: str, key: str, etag: str | None) -> ProcessOutcome | None:
        """Mark the receipt `processing` for this ETag, or say why there is nothing to do."""
        with self.db.session() as session:
            receipt = session.get(Receipt, receipt_id)
            if receipt is None:
                if session.get(User, user_id) is None:
                    return ProcessOutcome("ignored", receipt_id, reason="unknown user")
                receipt = Receipt(
                    id=receipt_id,
                    household_id=household_of(session, user_id),
                    user_id=user_id,
                    object_key=key,
                    status="pending",
                )
                session.add(receipt)
                session.flush()
            if receipt.user_id != user_id or receipt.object_key != key:
                return ProcessOutcome("ignored", receipt_id, reason="key does not match the receipt")
            if receipt.status == "confirmed":
                return ProcessOutcome("duplicate", receipt_id, receipt.status)
            if receipt.etag == etag and receipt.status != "pending":
                stale = (
                    receipt.status == "processing" and _aware(receipt.updated_at) < self._now() - STALE_CLAIM
                )
                if not stale:
                    return ProcessOutcome("duplicate", receipt_id, receipt.status)
            previous = (receipt.status, receipt.etag)
            claimed = session.execute(
                update(Receipt)
                .where(
                    Receipt.id == receipt_id,
                    Receipt.status == previous[0],
                    (Receipt.etag == previous[1]) if previous[1] is not None else Receipt.etag.is_(None),
                )
                .values(
                    status="processing",
                    etag=etag,
                    failure_reason=None,
                    updated_at=self._now(),
                    # Another attempt at the same photo counts; a new photo starts again at one.
                    ocr_attempts=(Receipt.ocr_attempts + 1) if previous[1] == etag else 1,
                )
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return ProcessOutcome("duplicate", receipt_id, "processing")
        return None

    def _fail(self, receipt_id: str, reason: str) -> ProcessOutcome:
        with self.db.session() as session:
            receipt = session.get(Receipt, receipt_id)
            if receipt is not None:
                for line in list(receipt.lines):
                    session.delete(line)
                receipt.status = "failed"
                receipt.failure_reason = reason[:500]
                receipt.updated_at = self._now()
        record_metric("ReceiptsFailed", 1)
        logger.info("receipt failed", extra={"receipt_id": receipt_id, "reason": reason})
        return ProcessOutcome("failed", receipt_id, "failed", reason)

    def _store_result(self, receipt_id: str, result: PipelineResult, started: datetime) -> ProcessOutcome:
        from foodsave.outbox import record

        parsed = result.receipt
        status = "needs_review" if parsed.needs_review else "parsed"
        with self.db.session() as session:
            receipt = session.get(Receipt, receipt_id)
            if receipt is None:
                return ProcessOutcome("ignored", receipt_id, reason="receipt deleted while processing")
            for line in list(receipt.lines):
                session.delete(line)
            session.flush()
            user = session.get(User, receipt.user_id)
            receipt.status = status
            receipt.failure_reason = None
            receipt.merchant = parsed.merchant
            receipt.purchased_at = _purchase_instant(
                parsed.date, parsed.time, user.timezone if user else LOCAL_ZONE
            )
            receipt.total = parsed.total
            receipt.currency = parsed.currency
            receipt.vat_summary = {
                letter: {k: (str(v) if isinstance(v, Decimal) else v) for k, v in vars(entry).items()}
                for letter, entry in parsed.vat_summary.items()
            } | ({"total_tax": str(parsed.total_tax)} if parsed.total_tax is not None else {})
            coupons = sum((d.amount for d in parsed.receipt_discounts), Decimal(0))
            if coupons:
                receipt.vat_summary["receipt_discounts"] = str(coupons)
            receipt.warnings = list(parsed.warnings)
            receipt.review_flags = flags_from_parse(parsed)
            twin = duplicate_flag(session, receipt)
            if twin is not None:
                receipt.review_flags = [*receipt.review_flags, twin]
                receipt.warnings = [*receipt.warnings, twin["message"]]
                status = receipt.status = "needs_review"
            receipt.raw_text = result.raw_text
            receipt.ocr_engine = result.ocr_engine
            receipt.timings = dict(result.timings)
            receipt.content_type = receipt.content_type or result.media_type
            receipt.updated_at = self._now()
            for position, item in enumerate(parsed.items):
                session.add(
                    ReceiptLine(
                        receipt_id=receipt.id,
                        position=position,
                        name_raw=item.name_raw[:200] or "?",
                        name=(item.name or item.name_raw)[:200] or "?",
                        quantity=item.quantity,
                        unit=item.unit,
                        unit_price=item.unit_price,
                        discount=item.discount,
                        total=item.total,
                        vat_letter=item.vat_letter,
                        category=item.category,
                        confidence=item.confidence,
                    )
                )
            record(
                session,
                Event(
                    type="ReceiptParsed",
                    user_id=receipt.user_id,
                    occurred_at=receipt.updated_at.isoformat(),
                    data={
                        "receipt_id": receipt.id,
                        "status": status,
                        "merchant": parsed.merchant,
                        "total": str(parsed.total) if parsed.total is not None else None,
                        "lines": len(parsed.items),
                    },
                ),
            )
        record_metric("ReceiptsParsed", 1, status=status)
        record_metric("ReceiptSeconds", (self._now() - started).total_seconds(), "Seconds")
        return ProcessOutcome("processed", receipt_id, status)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _local_date(instant: datetime, zone: str) -> date:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return _aware(instant).astimezone(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return _aware(instant).date()


def _purchase_instant(day: date | None, clock: time | None, zone: str) -> datetime | None:
    """The printed local date and time as an aware UTC instant (noon when the time is missing)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if day is None:
        return None
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo(LOCAL_ZONE)
    return datetime.combine(day, clock or time(12, 0), tzinfo=tz).astimezone(UTC)


ABANDONED_AFTER = timedelta(hours=24)


NEVER_ARRIVED = "The photo never arrived: the upload slot expired. Please upload it again."
NEVER_READ = "The photo arrived but was never read. Please upload it again."
NEVER_FINISHED = "Reading the photo did not finish. Please upload it again."


def expire_abandoned_uploads(
    session: Session, now: datetime, after: timedelta = ABANDONED_AFTER, *, store: ObjectStore
) -> int:
    """Receipts still pending or processing a day on end `failed` with the true reason: the photo never
    arrived, arrived but was never read (the object is in the store), or reading it never finished. A
    pending receipt whose object the store cannot be asked about now is left for the next run."""
    stale = session.scalars(
        select(Receipt).where(
            Receipt.status.in_(("pending", "processing")),
            or_(
                and_(Receipt.status == "pending", Receipt.created_at < now - after),
                and_(Receipt.status == "processing", Receipt.updated_at < now - after),
            ),
        )
    ).all()
    swept = 0
    for receipt in stale:
        if receipt.status == "processing":
            reason = NEVER_FINISHED
        else:
            arrived = _object_arrived(store, receipt.object_key)
            if arrived is None:
                continue
            reason = NEVER_READ if arrived else NEVER_ARRIVED
        receipt.status = "failed"
        receipt.failure_reason = reason
        swept += 1
    return swept


def _object_arrived(store: ObjectStore, key: str) -> bool | None:
    """Whether the upload is in the store; None when the store cannot say now."""
    try:
        return store.head(key) is not None
    except Unavailable:
        return None
    except FoodSaveError:  # a key the store refuses has no object
        return False
