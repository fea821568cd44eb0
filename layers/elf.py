"""What the layer build needs to know about shared libraries without loading them (arm64 ones cannot be loaded
on an x86_64 build machine): target machine, loadable segment alignment, dependencies (`readelf -d`), and a
strip that keeps a library only when the stripped copy is still loadable.

Wheels repaired by auditwheel carry libraries rewritten by patchelf; stripping some of them leaves PT_LOAD
segments whose file offset and address disagree modulo the alignment, and the dynamic loader then refuses
them ("ELF load command address/offset not page-aligned"). Those keep their symbols.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

MACHINES = {0x3E: "x86_64", 0xB7: "aarch64"}
_PT_LOAD = 1


def _header(data: bytes) -> tuple[int, int, int] | None:
    """(phoff, phentsize, phnum) of a little-endian ELF64 file, else None."""
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    return phoff, phentsize, phnum


def machine(path: Path) -> str | None:
    """'x86_64' or 'aarch64' for an ELF64 file, None for anything else."""
    with path.open("rb") as f:
        head = f.read(64)
    if _header(head) is None:
        return None
    (code,) = struct.unpack_from("<H", head, 0x12)
    return MACHINES.get(code, f"machine-{code:#x}")


def load_segments_aligned(path: Path) -> bool:
    """True when every PT_LOAD segment's offset and address agree modulo its alignment (loadable)."""
    data = path.read_bytes()
    header = _header(data)
    if header is None:
        return True
    phoff, phentsize, phnum = header
    for i in range(phnum):
        p_type, _flags, offset, vaddr, _paddr, _filesz, _memsz, align = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize
        )
        if p_type == _PT_LOAD and align > 1 and (offset - vaddr) % align:
            return False
    return True


def needed(path: Path) -> list[str]:
    """The DT_NEEDED entries `readelf -d` lists for one library."""
    readelf = shutil.which("readelf")
    if readelf is None:
        raise FileNotFoundError("readelf is missing: install binutils")
    out = subprocess.run(  # noqa: S603 - readelf on a file of the build
        [readelf, "-d", str(path)], capture_output=True, text=True, check=False
    ).stdout
    return [line.rsplit("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]


def strip_library(tool: str, path: Path) -> int:
    """Strip one library in place when the result stays loadable; returns bytes saved (0 when kept)."""
    with tempfile.TemporaryDirectory() as tmp:
        stripped = Path(tmp) / path.name
        done = subprocess.run(  # noqa: S603 - a resolved strip binary
            [tool, "--strip-unneeded", "-o", str(stripped), str(path)], capture_output=True, check=False
        )
        if done.returncode != 0 or not load_segments_aligned(stripped):
            return 0
        saved = path.stat().st_size - stripped.stat().st_size
        if saved > 0:
            shutil.copymode(path, stripped)
            shutil.move(str(stripped), path)
        return max(saved, 0)
