"""OCR engine port and two Tesseract adapters: tesserocr (one warm in-process engine) and pytesseract (binary).

Both read Polish (`pol`) in single-column block mode, which suits narrow receipts.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from foodsave.errors import Unavailable

if TYPE_CHECKING:
    from PIL import Image

# Tesseract's OpenMP threads fight each other on small machines; one thread is several times faster.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANG = "pol"
# psm 6: a single uniform block of text; receipts are one column and this keeps row order.
DEFAULT_PSM = 6
_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/tessdata",
    "/opt/share/tessdata",
)


class OcrEngine(Protocol):
    """Port: image in, text out."""

    name: str

    def image_to_text(self, image: Image.Image) -> str: ...


def find_tessdata(lang: str = LANG) -> str | None:
    """A tessdata directory holding `<lang>.traineddata`: env overrides first, then the usual places."""
    candidates: list[str] = []
    for var in ("FOODSAVE_TESSDATA_PREFIX", "TESSDATA_PREFIX"):
        value = os.environ.get(var)
        if value:
            candidates += [value, str(Path(value) / "tessdata")]
    candidates += list(_TESSDATA_CANDIDATES)
    for c in candidates:
        if (Path(c) / f"{lang}.traineddata").is_file():
            return str(Path(c))
    return None


class TesserocrEngine:
    """libtesseract in-process through tesserocr; one initialised API per container, reused across calls."""

    name = "tesserocr"
    _api = None
    _lock = threading.Lock()

    def __init__(self, psm: int = DEFAULT_PSM, tessdata: str | None = None) -> None:
        self.psm = psm
        found = tessdata or find_tessdata()
        if found is None:
            raise Unavailable("no tessdata directory with pol.traineddata found", code="ocr_unavailable")
        self.tessdata: str = found

    def _get_api(self):  # type: ignore[no-untyped-def]
        cls = type(self)
        if cls._api is None:
            try:
                import tesserocr
            except ImportError as exc:
                raise Unavailable("tesserocr is not installed", code="ocr_unavailable") from exc
            try:
                api = tesserocr.PyTessBaseAPI(path=self.tessdata + "/", lang=LANG, psm=self.psm)
            except RuntimeError as exc:
                raise Unavailable(f"tesseract failed to start: {exc}", code="ocr_unavailable") from exc
            api.SetVariable("preserve_interword_spaces", "1")
            cls._api = api
        return cls._api

    def image_to_text(self, image: Image.Image) -> str:
        with self._lock:
            api = self._get_api()
            api.SetPageSegMode(self.psm)
            api.SetImage(image)
            text: str = api.GetUTF8Text()
            api.Clear()
        return text


class PytesseractEngine:
    """The system `tesseract` binary through pytesseract (one process per image)."""

    name = "pytesseract"

    def __init__(self, psm: int = DEFAULT_PSM, tessdata: str | None = None) -> None:
        self.psm = psm
        self.tessdata = tessdata or find_tessdata()
        if shutil.which("tesseract") is None:
            raise Unavailable("the tesseract binary is not on PATH", code="ocr_unavailable")

    def image_to_text(self, image: Image.Image) -> str:
        import pytesseract

        config = f"--psm {self.psm} -c preserve_interword_spaces=1"
        if self.tessdata:
            config += f' --tessdata-dir "{self.tessdata}"'
        return str(pytesseract.image_to_string(image, lang=LANG, config=config))


def _tesserocr_ok() -> bool:
    try:
        import tesserocr
    except ImportError:
        return False
    tessdata = find_tessdata()
    if tessdata is None:
        return False
    _, langs = tesserocr.get_languages(tessdata + "/")
    return LANG in langs


def _pytesseract_ok() -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return LANG in pytesseract.get_languages(config="")
    except Exception:  # noqa: BLE001 - any failure means the engine is not usable
        return False


def engine_available(name: str = "auto") -> bool:
    """True when the chosen engine can run here and has the Polish model (for the status endpoint)."""
    if name == "tesserocr":
        return _tesserocr_ok()
    if name == "pytesseract":
        return _pytesseract_ok()
    return _tesserocr_ok() or _pytesseract_ok()


_engines: dict[str, OcrEngine] = {}


def get_engine(name: str = "auto") -> OcrEngine:
    """The engine for `name` (auto: tesserocr, which measured faster, else pytesseract); cached per container."""
    if name in _engines:
        return _engines[name]
    engine: OcrEngine
    if name == "tesserocr" or (name == "auto" and _tesserocr_ok()):
        engine = TesserocrEngine()
    elif name in ("pytesseract", "auto"):
        engine = PytesseractEngine()
    else:
        raise ValueError(f"unknown OCR engine {name!r}")
    _engines[name] = engine
    return engine
