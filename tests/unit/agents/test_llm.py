"""The language model only rephrases: Bedrock Converse (botocore Stubber), the grounding guard, the fallbacks."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from foodsave.adapters.aws.bedrock_llm import BedrockConverseLLM
from foodsave.agents.base import AgentReply, Turn
from foodsave.agents.llm import LLMUnavailable, OfflineLLM, compose, grounded, numbers_in

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
DRAFT = AgentReply(
    "Wydatki w okresie 2030-05-01 – 2030-05-15: 123,45 zł (paragony: 3).",
    facts=["total 123.45", "receipts 3"],
)


def converse_response(text: str, stop: str = "end_turn") -> dict:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
        "metrics": {"latencyMs": 100},
    }


@pytest.fixture
def bedrock():
    client = boto3.client("bedrock-runtime", region_name="eu-central-1")
    with Stubber(client) as stubber:
        yield BedrockConverseLLM(client, MODEL), stubber
        stubber.assert_no_pending_responses()


def expected_params() -> dict:
    return {"modelId": MODEL, "system": ANY, "messages": ANY, "inferenceConfig": ANY}


def test_bedrock_rephrasing_that_keeps_the_facts_is_used(bedrock):
    llm, stubber = bedrock
    text = "Od 2030-05-01 do 2030-05-15 wydałeś łącznie 123,45 zł na 3 paragonach."
    stubber.add_response("converse", converse_response(text), expected_params())
    composed = compose(llm, lang="pl", message="ile wydałem?", draft=DRAFT, history=[])
    assert composed.text == text
    assert composed.used_llm
    assert composed.degraded == ()


def test_bedrock_reply_with_an_invented_price_falls_back_to_the_template(bedrock):
    llm, stubber = bedrock
    stubber.add_response("converse", converse_response("Wydałeś 150,00 zł, głównie na mleko po 3,99 zł."))
    composed = compose(llm, lang="pl", message="ile wydałem?", draft=DRAFT, history=[])
    assert composed.text == DRAFT.text
    assert not composed.used_llm


def test_bedrock_error_gives_the_template_reply_and_marks_llm_degraded(bedrock):
    llm, stubber = bedrock
    stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    composed = compose(llm, lang="pl", message="ile wydałem?", draft=DRAFT, history=[])
    assert composed.text == DRAFT.text
    assert composed.degraded == ("llm",)


def test_truncated_bedrock_reply_is_not_used(bedrock):
    llm, stubber = bedrock
    stubber.add_response("converse", converse_response("Wydatki w okresie", stop="max_tokens"))
    with pytest.raises(LLMUnavailable):
        llm.rephrase(lang="pl", message="ile wydałem?", draft=DRAFT, history=[])


def test_converse_request_carries_the_model_id_facts_language_and_alternating_history():
    llm = BedrockConverseLLM(object(), MODEL)
    history = [
        Turn("user", "cześć"),
        Turn("assistant", "Cześć!", intent="general"),
        Turn("user", "co mam w lodówce?"),
        Turn("assistant", "Mleko (2 szt).", intent="pantry"),
    ]
    request = llm.request(lang="en", message="how much did I spend?", draft=DRAFT, history=history)
    assert request["modelId"] == MODEL
    assert "English" in request["system"][0]["text"]
    roles = [m["role"] for m in request["messages"]]
    assert roles[0] == "user" and roles[-1] == "user"
    assert all(a != b for a, b in zip(roles, roles[1:]))
    assert "total 123.45" in request["messages"][-1]["content"][0]["text"]


def test_guard_accepts_only_numbers_the_tools_returned():
    assert numbers_in("123,45 zł i 1 200 zł oraz 3") == numbers_in("123.45 1200 3.0")
    assert grounded("Razem 123.45 zł", DRAFT, "ile?")
    assert not grounded("Razem 99 zł", DRAFT, "ile?")
    assert grounded("Za 3 dni", AgentReply("x"), "plan na 3 dni")


def test_offline_model_returns_the_template_reply():
    composed = compose(OfflineLLM(), lang="pl", message="ile?", draft=DRAFT, history=[])
    assert composed.text == DRAFT.text
    assert composed.degraded == ()
