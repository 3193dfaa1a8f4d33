"""The resource actions with a real directory (SQLite) and rasa_sdk's tracker and dispatcher."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.resources import ActionSearchResources, ActionStartResourceSearch, ValidateResourceForm


def tracker(slots: dict | None = None, text: str = "", intent: str = "find_resource") -> Tracker:
    return Tracker("someone", slots or {}, {"text": text, "intent": {"name": intent}}, [], False, None,
                   {"name": "resource_form"}, "action_listen")


@pytest.fixture
def directory(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


async def test_need_shelter_presets_the_kind_of_help_and_forgets_the_last_search(directory):
    events = await ActionStartResourceSearch().run(CollectingDispatcher(), tracker(
        {"resource_place": "Fresno"}, "i need a bed", "need_shelter"), {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots["resource_category"] == "emergency_shelter" and slots["resource_place"] is None


async def test_find_leaves_the_kind_of_help_to_be_asked(directory):
    events = await ActionStartResourceSearch().run(CollectingDispatcher(), tracker(text="FIND"), {})
    assert "resource_category" not in {e["name"] for e in events if e["value"] is not None}


def test_an_unknown_zip_is_explained_and_asked_again(directory):
    dispatcher = CollectingDispatcher()
    result = ValidateResourceForm().validate_resource_place("00000", dispatcher, tracker(), {})
    assert result == {"resource_place": None}
    assert dispatcher.messages[0]["response"] == "utter_resource_place_unknown"
    assert "can't find ZIP code 00000" in dispatcher.messages[0]["reason"]


async def test_the_results_come_before_the_age_which_is_asked_after_them_when_it_would_narrow_them(directory):
    import yaml

    from harbor.core.settings import DOMAIN_FILE

    form = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["forms"]["resource_form"]
    assert form["required_slots"] == ["resource_category", "resource_place"]
    shelters = {"resource_category": "emergency_shelter", "resource_place": "94601"}

    async def asked_after(slots: dict) -> bool:
        dispatcher = CollectingDispatcher()
        await ActionSearchResources().run(dispatcher, tracker(slots), {})
        return dispatcher.messages[-1].get("response") == "utter_resource_age_after"

    assert await asked_after(shelters)  # Oakland's shelters take some ages and not others
    assert not await asked_after({**shelters, "resource_age": "15"})
    assert not await asked_after({**shelters, "resource_age": "skip"})
    assert not await asked_after({**shelters, "known_age": "15"})
    assert not await asked_after({"resource_category": "crisis_hotline", "resource_place": "94601"})  # no limits
    # the review: only where the answer can search again (a kind of help, near a place)
    assert not await asked_after({"resource_category": "any", "resource_place": "94601"})
    assert not await asked_after({"resource_category": "emergency_shelter", "resource_place": "skip"})


async def test_results_come_three_at_a_time_and_the_rest_wait_for_more(directory):
    dispatcher = CollectingDispatcher()
    events = await ActionSearchResources().run(dispatcher, tracker(
        {"resource_category": "trafficking_services", "resource_place": "Oakland", "resource_age": "skip"}), {})
    texts = [m.get("text") for m in dispatcher.messages if m.get("text")]
    assert len(texts) == 3 and texts[0].startswith("1) ")
    assert dispatcher.messages[-1]["response"] == "utter_resource_more_prompt"
    waiting = next(e["value"] for e in events if e["name"] == "resource_more")
    assert waiting[0].startswith("4) ")


async def test_a_directory_that_cannot_be_read_still_gives_the_hotline(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    dispatcher = CollectingDispatcher()
    await ActionSearchResources().run(dispatcher, tracker(
        {"resource_category": "food", "resource_place": "Oakland"}), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_resource_unavailable"]
