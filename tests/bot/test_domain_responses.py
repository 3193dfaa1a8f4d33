"""Every response the bot can send is SMS-ready, paged correctly and cites the seed."""

from __future__ import annotations

import re

import pytest

from harbor.core.gsm7 import is_gsm7, non_gsm7_characters
from harbor.core.more_pages import DYNAMIC_MORE_PROMPTS, MORE_PROMPT, next_page, split_page_name
from harbor.core.settings import PROJECT_ROOT

MAX_SMS_REPLY = 320


def test_every_response_is_gsm7(all_response_texts):
    """Every variant: roles, Spanish (no accents outside GSM-7), channels."""
    bad = {name: non_gsm7_characters(text) for name, texts in all_response_texts.items() for text in texts
           if not is_gsm7(text)}
    assert bad == {}


def test_every_response_fits_in_320_characters(all_response_texts):
    too_long = {name: len(text) for name, texts in all_response_texts.items() for text in texts
                if len(text) > MAX_SMS_REPLY}
    assert too_long == {}


def test_templated_safety_plan_fits_with_the_longest_answers(responses):
    from bot.safety_plan_answers import MAX_ANSWER_CHARS

    longest = "x" * MAX_ANSWER_CHARS
    text = responses["utter_safety_plan"].format(
        plan_place=longest, plan_person=longest, plan_number=longest, plan_code_word=longest)
    assert len(text) <= MAX_SMS_REPLY


def test_a_page_with_a_next_page_ends_by_offering_more(responses):
    missing = [name for name in responses if next_page(name, responses)
               and MORE_PROMPT not in responses[name][-40:]]
    assert missing == []


def test_a_last_page_does_not_offer_more(responses):
    dangling = [name for name in responses if not next_page(name, responses)
                and MORE_PROMPT.lower() in responses[name].lower() and name not in DYNAMIC_MORE_PROMPTS]
    assert dangling == []
    assert all(MORE_PROMPT in responses[name] for name in DYNAMIC_MORE_PROMPTS)


def test_pages_are_numbered_without_gaps(responses):
    for name in responses:
        base, number = split_page_name(name)
        if number > 1:
            previous = base if number == 2 else f"{base}_{number - 1}"
            assert previous in responses, f"{name} has no {previous}"


def test_no_curly_quotes_or_emoji_in_the_raw_domain_file():
    raw = (PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8")
    assert not re.search("[\u2018\u2019\u201c\u201d\U0001F300-\U0001FAFF]", raw)


def _first_pages_of_answers(responses) -> list[str]:
    # Answers to a topic question are the responses named after an intent.
    return [name for name in responses
            if split_page_name(name)[1] == 1 and name.startswith(("utter_ask_", "utter_need_"))]


def test_every_topic_answer_cites_the_seed():
    lines = (PROJECT_ROOT / "domain.yml").read_text().splitlines()
    uncited = []
    for index, line in enumerate(lines):
        match = re.match(r"^  (utter_(?:ask|need)_[a-z_]+):$", line)
        if not match or split_page_name(match.group(1))[1] > 1:
            continue
        if match.group(1).startswith("utter_ask_plan_"):
            continue  # safety-plan questions share the section comment above the form
        comments = []
        for previous in reversed(lines[:index]):
            if previous.strip().startswith("#"):
                comments.append(previous)
            elif previous.strip():
                break
        if not any(re.search(r"seed|DESIGN\.md", c) for c in comments):
            uncited.append(match.group(1))
    assert uncited == []


@pytest.mark.parametrize("keyword", ["MENU", "MORE", "PERSON", "PLAN", "MY PLAN", "BED", "FOOD",
                                     "HEALTH", "TALK", "NUMBERS", "SUSPECT", "SUPPORT",
                                     "SHELTER LIFE", "TALK TO MY KID", "FIND"])
def test_keywords_the_bot_offers_are_in_the_training_data(keyword):
    nlu = "\n".join(p.read_text() for p in (PROJECT_ROOT / "bot" / "data" / "nlu").glob("*.yml"))
    assert f"    - {keyword}\n" in nlu


def test_no_response_shows_our_internal_words(all_response_texts):
    responses = {f"{name}[{n}]": text for name, texts in all_response_texts.items() for n, text in enumerate(texts)}
    internal = re.compile(r"\b(seed|slot|slots|intent|intents)\b|utter_", re.IGNORECASE)
    assert {name: text for name, text in responses.items() if internal.search(text)} == {}


def test_no_two_conditional_variants_of_a_response_can_both_match(domain):
    """Rasa picks at random among the conditional variants whose conditions all hold: a Spanish speaker's
    check-in came out in English half the time. Every pair must differ on some slot they both name."""
    overlapping = []
    for name, variants in domain["responses"].items():
        conditions = [{c["name"]: c["value"] for c in variant["condition"]} for variant in variants
                      if variant.get("condition")]
        for i, mine in enumerate(conditions):
            for theirs in conditions[i + 1:]:
                if all(mine[slot] == theirs[slot] for slot in mine.keys() & theirs.keys()):
                    overlapping.append((name, mine, theirs))
    assert overlapping == []
