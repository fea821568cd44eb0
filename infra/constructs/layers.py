"""Lambda layers (core, ocr, vectors) from the directories `make layers` builds, or a placeholder for fast tests."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import constants
from infra.sizes import check_function_sizes


class LayerNotBuiltError(RuntimeError):
    """A real layer directory is missing: build it first or synthesise with placeholder layers."""


LAYER_DESCRIPTIONS = {
    "core": "foodsave package and its pure/manylinux Python dependencies (python3.12)",
    "ocr": "tesserocr (Tesseract 5 + Leptonica), Pillow, pypdfium2, tessdata pol+eng under /opt/share/tessdata",
    "vectors": "faiss-cpu, numpy, pypdfium2",
}


class Layers(Construct):
    """One LayerVersion per built directory; `placeholder` swaps in a tiny asset so tests need no build."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        layer_dirs: dict[str, Path],
        placeholder: bool,
        architecture: lambda_.Architecture,
        destroy_on_delete: bool,
    ) -> None:
        super().__init__(scope, id)
        self.placeholder = placeholder
        self.dirs: dict[str, Path] = {}
        self.layers: dict[str, lambda_.LayerVersion] = {}
        for name, directory in layer_dirs.items():
            source = constants.PLACEHOLDER_LAYER_DIR if placeholder else directory
            if not placeholder and not (directory / "python").is_dir():
                raise LayerNotBuiltError(
                    f"layer '{name}' is not built at {directory}; run `make layers` "
                    "(or synthesise with -c placeholder_layers=true for template-only checks)"
                )
            self.dirs[name] = source
            self.layers[name] = lambda_.LayerVersion(
                self,
                name.capitalize(),
                code=lambda_.Code.from_asset(str(source)),
                compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
                compatible_architectures=[architecture],
                description=LAYER_DESCRIPTIONS[name],
                removal_policy=RemovalPolicy.DESTROY if destroy_on_delete else RemovalPolicy.RETAIN,
            )
        if not placeholder:
            # Fail the synthesis (and so `make synth`) when a function would not fit Lambda's limit.
            check_function_sizes(constants.FUNCTIONS, self.dirs, raise_on_error=True)

    def for_function(self, spec: constants.FunctionSpec) -> list[lambda_.ILayerVersion]:
        return [self.layers[name] for name in spec.layers]
