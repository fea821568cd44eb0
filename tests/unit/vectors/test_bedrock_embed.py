"""Bedrock Titan v2 embedder against a botocore Stubber (request shape, normalisation, errors)."""

from __future__ import annotations

import io
import json

import boto3
import numpy as np
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from foodsave.adapters.aws.bedrock_embed import TITAN_V2, BedrockTitanEmbedder
from foodsave.errors import InvalidInput, Unavailable
from foodsave.vectors.embed import Embedder


def _body(payload: dict) -> StreamingBody:
    raw = json.dumps(payload).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


@pytest.fixture
def runtime():  # type: ignore[no-untyped-def]
    client = boto3.client("bedrock-runtime", region_name="eu-central-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_titan_embedder_sends_text_dimension_and_normalise_flag(runtime) -> None:  # type: ignore[no-untyped-def]
    client, stubber = runtime
    vector = [3.0, 4.0] + [0.0] * 254
    stubber.add_response(
        "invoke_model",
        {"body": _body({"embedding": vector, "inputTextTokenCount": 3}), "contentType": "application/json"},
        {
            "modelId": TITAN_V2,
            "body": json.dumps({"inputText": "mleko", "dimensions": 256, "normalize": True}),
            "contentType": "application/json",
            "accept": "application/json",
        },
    )
    embedder = BedrockTitanEmbedder(client, dim=256)
    assert isinstance(embedder, Embedder) and embedder.name == f"bedrock:{TITAN_V2}:d256"
    out = embedder.embed_query("mleko")
    assert out.dtype == np.float32 and out.shape == (256,)
    assert out[:2] == pytest.approx([0.6, 0.8])


def test_titan_embedder_embeds_each_document(runtime) -> None:  # type: ignore[no-untyped-def]
    client, stubber = runtime
    for i in range(3):
        stubber.add_response(
            "invoke_model",
            {"body": _body({"embedding": [float(i + 1)] * 512}), "contentType": "application/json"},
            {"modelId": TITAN_V2, "body": ANY, "contentType": ANY, "accept": ANY},
        )
    out = BedrockTitanEmbedder(client).embed_documents(["a", "b", "c"])
    assert out.shape == (3, 512) and np.allclose(np.linalg.norm(out, axis=1), 1)


def test_throttling_is_unavailable(runtime) -> None:  # type: ignore[no-untyped-def]
    client, stubber = runtime
    stubber.add_client_error("invoke_model", "ThrottlingException", "slow down", 429)
    with pytest.raises(Unavailable, match="ThrottlingException"):
        BedrockTitanEmbedder(client).embed_query("mleko")


def test_a_rejected_text_is_invalid_input(runtime) -> None:  # type: ignore[no-untyped-def]
    client, stubber = runtime
    stubber.add_client_error("invoke_model", "ValidationException", "too long", 400)
    with pytest.raises(InvalidInput):
        BedrockTitanEmbedder(client).embed_query("mleko")


def test_a_wrong_sized_embedding_is_unavailable(runtime) -> None:  # type: ignore[no-untyped-def]
    client, stubber = runtime
    stubber.add_response(
        "invoke_model", {"body": _body({"embedding": [1.0] * 10}), "contentType": "application/json"}
    )
    with pytest.raises(Unavailable, match="size 10"):
        BedrockTitanEmbedder(client).embed_query("mleko")


def test_unsupported_dimensions_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        BedrockTitanEmbedder(object(), dim=384)
