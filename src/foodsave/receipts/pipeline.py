"""The receipt pipeline: bytes of an upload -> media check -> image/PDF -> OCR -> parsed receipt, with timings."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foodsave.errors import InvalidInput, TooLarge, UnsupportedMedia
from foodsave.receipts.media import looks_like_text, sniff_media_type
from foodsave.receipts.parser import ParsedReceipt, ReceiptParser
from foodsave.receipts.preprocess import TARGET_LINE_PX

if TYPE_CHECKING:
    from PIL import Image

    from foodsave.receipts.ocr import OcrEngine

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Fewer amounts than this in the OCR text means the page was probably read in the wrong orientation.
MIN_MONEY_TOKENS = 3
# The unwarped paper is drawn at most this long: text lines stay above the height Tesseract reads best.
PHOTO_MAX_SIDE = 2000
_MONEY_RE = re.compile(r"\d[,.]\d\d(?!\d)")


def _money_tokens(text: str) -> int:
    return len(_MONEY_RE.findall(text))


def _advice(media: str) -> str:
    """What the user can do when a photo could not be read."""
    if media.startswith("image/"):
        return (
            "; if it is one, retake the photo in good light with the paper flat and the whole receipt in view"
        )
    return ""


def evidence(receipt: ParsedReceipt) -> tuple[bool, int, bool, int]:
    """How well a reading adds up, for choosing between OCR attempts: closes without flags first, then
    fewer flags, then a total found, then more items."""
    return (not receipt.needs_review, -len(receipt.flags), receipt.total is not None, len(receipt.items))


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
        receipt: ParsedReceipt | None = None
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
            text, engine_used, receipt = self._read_image(data, timings, t0)
        if not text.strip():
            raise InvalidInput(f"no text was found on the receipt{_advice(media)}", code="no_text")
        if receipt is None:
            t1 = time.perf_counter()
            receipt = self.parser.parse(text)
            timings["parse"] = time.perf_counter() - t1
        timings["total"] = time.perf_counter() - t0
        if not receipt.items and receipt.total is None:
            raise InvalidInput(f"the text does not look like a receipt{_advice(media)}", code="not_a_receipt")
        return PipelineResult(receipt, text, media, engine_used, {k: round(v, 4) for k, v in timings.items()})

    @property
    def engine(self) -> OcrEngine:
        from foodsave.receipts.ocr import get_engine

        return get_engine(self.engine_name)

    def _read_image(
        self, data: bytes, timings: dict[str, float], t0: float
    ) -> tuple[str, str, ParsedReceipt]:
        """Two attempts on a photo: the found, flattened paper first; the original when that does not add up.
        The reading whose arithmetic closes better wins."""
        from foodsave.receipts.preprocess import load_image

        image = load_image(data)
        timings["decode"] = time.perf_counter() - t0
        photo = self._read_photo(image, data, timings)
        if photo is not None and not photo[1].needs_review:
            return photo[0], self.engine.name, photo[1]
        text, engine_used = self._ocr_images([image], timings)
        t = time.perf_counter()
        receipt = self.parser.parse(text)
        timings["parse"] = timings.get("parse", 0.0) + time.perf_counter() - t
        if photo is not None and evidence(photo[1]) > evidence(receipt):
            text, receipt = photo
        if receipt.needs_review:
            receipt.flag(
                "photo_hard_to_read",
                f"the photo was hard to read{_advice('image/')}; or check the flagged lines",
            )
        return text, engine_used, receipt

    def _read_photo(
        self, image: Image.Image, data: bytes, timings: dict[str, float]
    ) -> tuple[str, ParsedReceipt] | None:
        """First attempt on a photo: the paper found, unwarped, flattened and binarised, OCR'd and parsed.
        None when the image shows no sheet on a background (then only the original is read)."""
        from foodsave.receipts.paper import colour_thumbnail, find_paper, sauvola, unwarp
        from foodsave.receipts.preprocess import flatten_illumination, prepare_for_ocr

        t = time.perf_counter()
        corners = find_paper(image, colour_thumbnail(data))
        if corners is None:
            timings["paper_search"] = round(time.perf_counter() - t, 4)
            return None
        upright = prepare_for_ocr(unwarp(image.convert("L"), corners, PHOTO_MAX_SIDE), flatten="never")
        binary = sauvola(flatten_illumination(upright), window=2 * TARGET_LINE_PX - 1)
        timings["paper"] = time.perf_counter() - t
        t = time.perf_counter()
        text = self.engine.image_to_text(binary)
        timings["ocr"] = timings.get("ocr", 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        receipt = self.parser.parse(text)
        timings["parse"] = time.perf_counter() - t
        return text, receipt

    def _ocr_images(self, images: list, timings: dict[str, float]) -> tuple[str, str]:  # type: ignore[type-arg]
        from foodsave.receipts.preprocess import prepare_for_ocr

        engine = self.engine
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
