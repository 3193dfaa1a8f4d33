"""Rasa adapter for bot/nlu/facts.py and bot/nlu/language.py: the place, age, role, kind of help,
gender and language a message states become entities (slots keep them for the conversation), and
a Spanish message gets the intent its Spanish words ask for. Runs after the intent classifiers and
before the risk detector, which still overrides the intent when a message is dangerous."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.facts import facts
from bot.nlu.language import SPANISH, language_of, looks_spanish, spanish_intent

CHOICE = re.compile(r"^\s*(?:option\s*|number\s*|#)?(?:1|2|one|two|first|second|the first(?: one)?|"
                    r"the second(?: one)?)\s*[.!]*\s*$", re.IGNORECASE)

EXTRACTOR_NAME = "FactExtractor"


def _entity(kind: str, value: str, start: int, end: int) -> dict[str, Any]:
    return {ENTITY_ATTRIBUTE_TYPE: kind, ENTITY_ATTRIBUTE_VALUE: value, ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end, ENTITY_ATTRIBUTE_CONFIDENCE: 1.0, EXTRACTOR: EXTRACTOR_NAME}


NOT_ENGLISH = "other_language"  # the English model's intent for a message in another language


def _intent_name(message: Message) -> str | None:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FactExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> FactExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = [e for e in message.get(ENTITIES, []) if e.get(EXTRACTOR) != EXTRACTOR_NAME]
            entities += [_entity(f.entity, f.value, f.start, f.end) for f in facts(text)]
            language = language_of(text)
            if language is None and _intent_name(message) == NOT_ENGLISH and looks_spanish(text):
                language = SPANISH
            if language:
                entities.append(_entity("language", language, 0, len(text)))
            message.set(ENTITIES, entities, add_to_output=True)
            if CHOICE.match(text):
                # "1" / "2" answers "Did you mean 1) ... or 2) ...?" (bot/actions/suggest.py); inside a
                # search or a plan the form reads it as the answer it asked for.
                prediction = {INTENT_NAME_KEY: "choose_option", PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, prediction, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
            elif language == SPANISH:
                prediction = {INTENT_NAME_KEY: spanish_intent(text), PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, prediction, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
            elif _asks_for_programs_there(text, entities, _intent_name(message)):
                _search_first(message)
        return messages


# A message naming a kind of help and a place, in words that ask for it ("anyway looking for counseling for
# her in chula vista"), is a search whatever else it says; the risk detector still overrides it when the
# message is dangerous, and the search then follows the crisis reply.
_ASKS = re.compile(r"\b(?:looking for|look for|need|needs|find|where (?:can|do|does|is|are|should)|"
                   r"is there (?:a|an|any|somewhere|anywhere|someone|somebody|anyone|anybody)\b|are there|"
                   r"know (?:of|any)|recommend|refer (?:her|him|them|me)|any (?:\w+ ){0,2}(?:near|in|around)\b|"
                   r"(?:centers?|programs?|places?|services?|shelters?|clinics?|beds?|groups?) (?:near|around)\b)",
                   re.IGNORECASE)
_SEARCH_INTENTS = {"need_shelter", "need_food", "need_health", "find_resource", "inform", "choose_option"}
# Questions about what a program is like, or about a kind of program Harbor answers first, keep their answer.
_KEEPS_ITS_ANSWER = {"ask_shelter_life", "ask_jobs_school", "ask_records", "ask_boys_services",
                     "ask_lgbtq_services", "need_someone_to_talk", "ask_caregiver_support", "ask_confidentiality",
                     "ask_in_trouble", "ask_youth_returned", "ask_how_to_talk", "deny", "stop_form", "more", "menu",
                     # danger keeps its rule (the crisis reply, then the search): never a search alone
                     "in_danger_now", "self_harm", "disclose_exploitation", "report_missing", "risk_check_in"}
# "no i dont need a shelter in fresno", "will the clinic in oakland tell my mom if i need birth control"
_NOT_A_REQUEST = re.compile(r"\b(?:no|dont|don'?t|do not|never)\s+(?:\w+\s+){0,2}(?:need|want|looking)\b|"
                            r"\b(?:stop|anymore|nvm|tell my|call my)\b", re.IGNORECASE)


def _asks_for_programs_there(text: str, entities: list[dict[str, Any]], intent: str | None) -> bool:
    said = {e.get(ENTITY_ATTRIBUTE_TYPE) for e in entities}
    return ("place" in said and "help" in said and intent not in _SEARCH_INTENTS | _KEEPS_ITS_ANSWER
            and bool(_ASKS.search(text)) and not _NOT_A_REQUEST.search(text))


def _search_first(message: Message) -> None:
    prediction = {INTENT_NAME_KEY: "find_resource", PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [prediction, *[r for r in message.get(INTENT_RANKING_KEY) or []
                             if r.get(INTENT_NAME_KEY) != "find_resource"]]
    message.set(INTENT, prediction, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
