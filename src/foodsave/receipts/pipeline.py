"""The receipt pipeline: bytes of an upload -> media check -> image/PDF -> OCR -> parsed receipt, with timings."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from foodsave.errors import InvalidInput, TooLarge, UnsupportedMedia
from foodsave.receipts.media import looks_like_text, sniff_media_type
from foodsave.receipts.parser import ParsedReceipt, ReceiptParser

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Fewer amounts than this in the OCR text means the page was probably read in the wrong orientation.
MIN_MONEY_TOKENS = 3
_MONEY_RE = re.compile(r"\d[,.]\d\d(?!\d)")


def _money_tokens(text: str) -> int:
    return len(_MONEY_RE.findall(text))


@dataclass
class PipelineResult:
    receipt: ParsedReceipt
    raw_text: str
    media_type: str
    ocr_engine: str | None
    timings: dict[str, float] = field(default_factory=dict)


class ReceiptPipeline:
    """Runs one upload through preprocessing, OCR and parsing. One instance per container."""

    def __init__(
        self,
        engine_name: str = "auto",
        parser: ReceiptParser | None = None,
        max_bytes: int = MAX_UPLOAD_BYTES,
        allow_text: bool = False,
    ) -> None:
        self.engine_name = engine_name
        self.parser = parser or ReceiptParser()
        self.max_bytes = max_bytes
        self.allow_text = allow_text

    def process(self, data: bytes) -> PipelineResult:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        if not data:
            raise InvalidInput("the file is empty", code="empty_file")
        if len(data) > self.max_bytes:
            raise TooLarge(
                f"the file has {len(data)} bytes; the limit is {self.max_bytes}", code="file_too_large"
            )
        media = sniff_media_type(data)
        engine_used: str | None = None
        if media is None:
            if self.allow_text and looks_like_text(data):
                text = data.decode("utf-8", errors="replace")
                media = "text/plain"
            else:
                raise UnsupportedMedia("the file is not a JPEG, PNG, WebP or PDF", code="unsupported_media")
        elif media == "application/pdf":
            from foodsave.receipts.pdf import read_pdf

            content = read_pdf(data)
            timings["pdf"] = time.perf_counter() - t0
            if content.text is not None:
                text = content.text
                engine_used = "pdf-text"
            else:
                text, engine_used = self._ocr_images(content.images, timings)
        else:
            from foodsave.receipts.preprocess import load_image

            image = load_image(data)
            timings["decode"] = time.perf_counter() - t0
            text, engine_used = self._ocr_images([image], timings)
        if not text.strip():
            raise InvalidInput("no text was found on the receipt", code="no_text")
        t1 = time.perf_counter()
        receipt = self.parser.parse(text)
        timings["parse"] = time.perf_counter() - t1
        timings["total"] = time.perf_counter() - t0
        if not receipt.items and receipt.total is None:
            raise InvalidInput("the text does not look like a receipt", code="not_a_receipt")
        return PipelineResult(receipt, text, media, engine_used, {k: round(v, 4) for k, v in timings.items()})

    def _ocr_images(self, images: list, timings: dict[str, float]) -> tuple[str, str]:  # type: ignore[type-arg]
        from foodsave.receipts.ocr import get_engine
        from foodsave.receipts.preprocess import prepare_for_ocr

        engine = get_engine(self.engine_name)
        texts = []
        for image in images:
            t = time.perf_counter()
            prepared = prepare_for_ocr(image)
            timings["preprocess"] = timings.get("preprocess", 0.0) + time.perf_counter() - t
            t = time.perf_counter()
            text = engine.image_to_text(prepared)
            if _money_tokens(text) < MIN_MONEY_TOKENS:
                # Upside down or sideways without EXIF: try the other orientations, keep the most legible.
                for angle in (180, 90, 270):
                    candidate = engine.image_to_text(prepared.rotate(angle, expand=True, fillcolor=255))
                    if _money_tokens(candidate) > _money_tokens(text):
                        text = candidate
                    if _money_tokens(text) >= MIN_MONEY_TOKENS:
                        break
            texts.append(text)
            timings["ocr"] = timings.get("ocr", 0.0) + time.perf_counter() - t
        return "\n".join(texts), engine.name
