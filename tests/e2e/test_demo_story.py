"""The demo story as an automated test: the local runtime served by uvicorn on 127.0.0.1, driven over HTTP
exactly as `foodsave demo` does, every step checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.demo import run_demo


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from foodsave.bootstrap import set_services
    from foodsave.observability import clear_metric_sinks

    lines: list[str] = []
    try:
        result = run_demo(Path(tmp_path_factory.mktemp("demo")) / "data", say=lines.append)
    finally:
        clear_metric_sinks()
        set_services(None)
    result.data["printed"] = lines
    return result


def test_every_step_of_the_story_succeeds(story):
    failed = [(title, detail) for title, ok, detail in story.steps if not ok]
    assert not failed, failed


def test_receipts_become_pantry_items_with_expiry_dates(story):
    assert len(story.data["receipt_ids"]) == 3
    assert story.data["pantry"] and all(item["expires_at"] for item in story.data["pantry"])


def test_advancing_the_clock_brings_expiry_notifications(story):
    assert story.data["notifications"]


def test_chat_suggests_recipes_that_use_what_runs_out(story):
    chat = story.data["chat"]
    pantry = {item["normalized_name"] for item in story.data["pantry"]}
    assert chat["agent"] == "chef"
    assert any(name and name in chat["reply"].lower() for name in pantry)


def test_meal_plan_covers_three_days_with_a_shopping_list(story):
    plan = story.data["meal_plan"]
    assert len(plan["days"]) == 3
    assert "shopping_list" in plan


def test_question_about_an_uploaded_document_is_answered_with_a_citation(story):
    answer = story.data["document_answer"]
    assert any(source.get("type") == "document" for source in answer["sources"])
    assert "chleb" in answer["reply"].lower()


def test_each_step_is_printed(story):
    assert len(story.data["printed"]) >= len(story.steps)
