"""The stack publishes the multilingual-e5-small weights from the build to the bucket's models/ prefix, at the
key the search functions fetch on cold start; without a build, synthesis refuses unless told to skip."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from aws_cdk import App

from infra import constants
from infra.build_weights import build
from infra.constructs.model_weights import ModelWeightsMissing, weights_file
from infra.settings import DeploymentSettings

DEPLOYMENT = "Custom::CDKBucketDeployment"


def deployments(synthesis):  # type: ignore[no-untyped-def]
    return list(synthesis.resources(DEPLOYMENT).values())


def test_the_stack_publishes_the_weights_to_the_models_prefix_of_the_uploads_bucket(profile_synth):
    (deployment,) = deployments(profile_synth)
    props = deployment["Properties"]
    bucket_id = profile_synth.stack.storage.bucket.node.default_child.logical_id
    assert profile_synth.stack.resolve(bucket_id) in str(props["DestinationBucketName"])
    assert props["DestinationBucketKeyPrefix"] == constants.MODELS_PREFIX
    assert props["Prune"] is False


def test_the_published_object_is_the_key_the_functions_fetch():
    from foodsave.config import Settings

    assert constants.MODEL_WEIGHTS_KEY == Settings().embedder_model_key


def test_the_deployment_asset_is_the_built_weights_directory(profile_synth):
    staged = [p for p in profile_synth.outdir.glob("asset.*") if p.is_dir() and weights_file(p).is_file()]
    expected = weights_file(Path(profile_synth.stack.settings.model_weights_dir)).read_bytes()
    assert [weights_file(p).read_bytes() for p in staged] == [expected]


def test_synthesis_without_built_weights_says_how_to_build_them(tmp_path):
    from infra.app import FEATURE_FLAGS
    from infra.stack import FoodSaveStack

    settings = DeploymentSettings(placeholder_layers=True, model_weights_dir=tmp_path)
    with pytest.raises(ModelWeightsMissing, match="make model-weights"):
        FoodSaveStack(App(context=FEATURE_FLAGS), "Scratch", settings=settings)


def test_publishing_can_be_left_out_by_context(tmp_path):
    from infra.app import FEATURE_FLAGS
    from infra.stack import FoodSaveStack

    app = App(
        context={
            **FEATURE_FLAGS,
            "placeholder_layers": True,
            "publish_model_weights": "false",
            "model_weights_dir": str(tmp_path),
        }
    )
    settings = DeploymentSettings.from_context(app.node)
    stack = FoodSaveStack(
        app, "Scratch", settings=settings, env={"account": "123456789012", "region": "eu-central-1"}
    )
    assert stack.model_weights is None
    assert not [c for c in stack.node.children if c.node.id.startswith(DEPLOYMENT)]


def test_the_build_copies_the_packaged_weights_with_their_checksum(tmp_path):
    from foodsave.vectors.embed import E5_MODEL_SHA256

    target = build(tmp_path)
    assert target == weights_file(tmp_path)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == E5_MODEL_SHA256
