"""The Lambda runtime's interpreter on the build machine: finding CPython 3.12, compiling layer bytecode with it,
and measuring how much of a layer has that bytecode.

Bytecode is compiled with ``--invalidation-mode unchecked-hash``: Lambda's ``/opt`` and ``/var/task`` are read-only
and never change under a running function, so the interpreter loads each ``.pyc`` without a ``stat`` of its source.
Recorded source paths are rewritten to where Lambda extracts the files, so tracebacks name ``/opt/python/...``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

VERSION = "3.12"
CACHE_TAG = "cpython-312"
ENV_VAR = "FOODSAVE_PYTHON312"


class Python312NotFoundError(RuntimeError):
    """No CPython 3.12 interpreter on this machine."""


def find() -> str:
    """Path of a CPython 3.12: $FOODSAVE_PYTHON312, `python3.12` on PATH, or the newest pyenv 3.12.x."""
    candidates = [os.environ.get(ENV_VAR), shutil.which(f"python{VERSION}")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    pyenv = sorted(
        glob.glob(f"{pyenv_root}/versions/{VERSION}.*/bin/python{VERSION}"),
        key=lambda p: [int(x) for x in Path(p).parts[-3].split(".") if x.isdigit()],
    )
    candidates += reversed(pyenv)
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and _is_312(candidate):
            return candidate
    raise Python312NotFoundError(
        f"CPython {VERSION} is needed to compile and check the Lambda layers: install python{VERSION} "
        f"(pyenv install {VERSION}) or point {ENV_VAR} at one"
    )


def _is_312(executable: str) -> bool:
    out = subprocess.run(  # noqa: S603 - a local interpreter path
        [executable, "-c", "import sys; print(sys.implementation.cache_tag)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.returncode == 0 and out.stdout.strip() == CACHE_TAG


def full_version(executable: str) -> str:
    return subprocess.run(  # noqa: S603
        [executable, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def compile_tree(executable: str, tree: Path, deployed_at: str) -> None:
    """Write `__pycache__/*.cpython-312.pyc` beside every `.py` under tree (files that do not compile
    under 3.12, such as templates named `.py`, are skipped and show in the coverage figure)."""
    subprocess.run(  # noqa: S603
        [
            executable,
            "-m",
            "compileall",
            "-qq",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(tree),
            "-p",
            deployed_at,
            str(tree),
        ],
        check=False,  # a non-compiling file is reported by coverage(), not fatal
    )


def bytecode_path(source: Path) -> Path:
    return source.parent / "__pycache__" / f"{source.stem}.{CACHE_TAG}.pyc"


def coverage(tree: Path) -> dict[str, int | float]:
    """How many `.py` files under tree have 3.12 bytecode, and the bytes that bytecode takes."""
    sources = list(tree.rglob("*.py"))
    compiled = sum(1 for s in sources if bytecode_path(s).exists())
    pyc_bytes = sum(p.stat().st_size for p in tree.rglob(f"*.{CACHE_TAG}.pyc"))
    return {
        "py_files": len(sources),
        "compiled": compiled,
        "fraction": compiled / len(sources) if sources else 1.0,
        "bytecode_bytes": pyc_bytes,
    }


if __name__ == "__main__":
    print(find())
