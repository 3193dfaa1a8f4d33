"""The names "Did you mean 1) ... or 2) ...?" shows (bot/topics.yml) are what a person would say."""

from __future__ import annotations

import re

from bot.actions.suggest import topics
from bot.answer_search import response_for
from harbor.core.gsm7 import is_gsm7


def test_every_topic_name_is_short_plain_gsm7_without_internal_words(domain):
    internal = re.compile(r"\b(seed|slot|intent|utter_|faq)\b", re.IGNORECASE)
    for intent, name in topics().items():
        assert is_gsm7(name) and len(name) <= 60, intent
        assert not internal.search(name), intent


def test_every_topic_is_something_harbor_can_answer(domain):
    responses = set(domain["responses"])
    searches = {"need_shelter", "need_food", "need_health", "find_resource", "create_safety_plan",
                "show_safety_plan"}
    unanswerable = [i for i in topics() if response_for(i) not in responses and i not in searches]
    assert unanswerable == []
