from pathlib import Path

import pytest
import yaml

from resources_db.answers import ANY, is_skip, read_category
from resources_db.categories import CATEGORIES, numbered_menu


@pytest.mark.parametrize("text, code", [
    ("1", "emergency_shelter"), (" 9 ", "food"), ("12", "caregiver_support"), ("shelter", "emergency_shelter"),
    ("I need a counselor", "mental_health"), ("Food", "food"), ("legal help", "legal"),
    ("anything", ANY), ("idk", ANY),
])
def test_reading_the_kind_of_help(text, code):
    assert read_category(text) == code


@pytest.mark.parametrize("text", ["13", "0", "banana", "", "'; drop table service; --"])
def test_replies_that_name_no_kind_of_help(text):
    assert read_category(text) is None


@pytest.mark.parametrize("text", ["skip", "SKIP", "idk", "i don't know", "rather not", "rather not say",
                                  "no thanks", "no"])
def test_skip_words(text):
    assert is_skip(text)


def test_the_numbered_menu_matches_the_domain_prompt():
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
    variants = domain["responses"]["utter_ask_resource_category"]
    prompt = next(v for v in variants if not v.get("condition") and not v.get("channel"))["text"]
    assert numbered_menu() in prompt
    buttons = next(v for v in variants if v.get("channel") == "socketio")["buttons"]
    assert [b["payload"] for b in buttons] == [str(n) for n in range(1, len(CATEGORIES) + 1)]
