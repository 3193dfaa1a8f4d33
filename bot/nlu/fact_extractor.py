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

from bot.actions.questions import WHAT_ABOUT, asks_a_question, is_question_intent
from bot.nlu.facts import facts
from bot.nlu.language import SPANISH, language_of, looks_spanish, spanish_intent, spanish_kind

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
                kind = spanish_kind(text) if prediction[INTENT_NAME_KEY] == "find_resource" else None
                if kind:  # "hay consejeria en español por aqui?": counseling, near the place said or asked next
                    message.set(ENTITIES, [*entities, _entity("help", kind, 0, len(text))], add_to_output=True)
                message.set(INTENT, prediction, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
            elif _asks_for_programs_there(text, entities, _intent_name(message)):
                _search_first(message)
            elif _plain_question(text, message, entities):
                _read_as(message, _plain_question(text, message, entities) or "")
        return messages


# A message naming a kind of help and a place, in words that ask for it ("anyway looking for counseling for
# her in chula vista"), is a search whatever else it says; the risk detector still overrides it when the
# message is dangerous, and the search then follows the crisis reply.
_ASKS = re.compile(r"\b(?:looking for|look for|need|needs|wants? (?:\w+ ){0,2}(?:counseling|therapy|a therapist|"
                   r"a counselor|a bed|shelter|services|a program)|find|where (?:can|do|does|is|are|should)|"
                   r"can (?:i|we|she|he) (?:get|see|go)|send (?:her|him|them)|(?:see|talk to) a|"
                   r"what'?s (?:near|around|in)|whats (?:near|around|in)|"
                   r"is there (?:a|an|any|somewhere|anywhere|someone|somebody|anyone|anybody)\b|are there|"
                   r"know (?:of|any)|recommend|refer (?:her|him|them|me)|any (?:\w+ ){0,2}(?:near|in|around)\b|"
                   r"(?:centers?|programs?|places?|services?|shelters?|clinics?|beds?|groups?|banks?|pantr(?:y|ies)|"
                   r"counselors?|therapists?|doctors?|lawyers?|attorneys?) (?:near|around|close to)\b)",
                   re.IGNORECASE)
_SEARCH_INTENTS = {"need_shelter", "need_food", "need_health", "find_resource", "inform", "choose_option"}
# Questions about what a program is like, or about a kind of program Harbor answers first, keep their answer.
_KEEPS_ITS_ANSWER = {"ask_shelter_life", "ask_jobs_school", "ask_records", "ask_boys_services",
                     "ask_lgbtq_services", "need_someone_to_talk", "ask_caregiver_support", "ask_confidentiality",
                     "ask_in_trouble", "ask_youth_returned", "ask_how_to_talk", "deny", "stop_form", "more", "menu",
                     # danger keeps its rule (the crisis reply, then the search): never a search alone
                     "in_danger_now", "self_harm", "disclose_exploitation", "report_missing", "risk_check_in"}
# "no i dont need a shelter in fresno", "will the clinic in oakland tell my mom if i need birth control"
_NOT_A_REQUEST = re.compile(r"\b(?:no|dont|don'?t|do not|doesnt|doesn'?t|does not|wont|won'?t|never)\s+(?:\w+\s+){0,2}"
                            r"(?:need|want|looking)\b|"
                            r"\b(?:stop|anymore|tell my|call my)\b|"
                            r"\bnvm\b(?!,?\s+(?:actually\s+)?(?:i|we) (?:need|want))", re.IGNORECASE)


# Without a place in the message, only words that plainly ask where to take someone: "where can I send her for a
# full exam", "whats a drop in she could use tmrw" (the search asks the place, or uses the one already said).
_ASKS_WHERE = re.compile(r"\b(?:where (?:can|could|should|do) (?:i|we) (?:send|take) (?:her|him|them|my \w+)|"
                         r"find (?:me|her|him|us|them) (?:a|an|some|somewhere)|"
                         r"what'?s an? [\w -]{1,20} (?:she|he|i|we|they) (?:could|can) (?:use|go to))\b", re.IGNORECASE)


_ASKS_FOR_PROGRAMS_NEAR = re.compile(r"\b(?:local|nearby|near (?:me|us|her|him|them|there|here)|around here|"
                                     r"in (?:the|our|my|this|that) area|any (?:\w+ ){0,2}(?:services?|programs?|help|"
                                     r"groups?|orgs?|organizations?|agencies|clinics?|shelters?|centers?))\b",
                                     re.IGNORECASE)


# A short message adding or switching the kind of help, where the place is known or asked next: "counseling too
# pls", "what about a counselor there too", "also trafficking-specific case mgmt same area". Only where the classifier
# had no better reading: never over "im safe", "thanks", a person asked for, or a question it knows.
_ADDS_A_KIND = re.compile(r"\btoo\b(?=\s*(?:$|[.!?,]|pls|please|plz|thx|thanks|tho|lol))|\b(?:also|as well|plus|"
                          r"same (?:area|place|city|town)|(?:what|how) about (?:a |an |some )?\w+(?: \w+)? "
                          r"(?:there|too|also|in that area))\b", re.IGNORECASE)
_ADD_ON_WORDS = 12
_ADD_ON_OVER = {"nlu_fallback", "faq", "inform", "out_of_scope", "find_resource"}
# A question about that kind of help, a refusal or a report, not a request for it: "should i get her a therapist
# too", "do i have to see a therapist too?", "she refuses therapy too", "my therapist told me that too".
_ABOUT_THE_KIND = re.compile(r"\b(?:should|why|does|do (?:they|i|we)|is it|would it|will (?:they|it)|can my|"
                             r"have to|dont|don'?t|doesn'?t|doesnt|won'?t|wont|refuses?|hates?|told|said|was|were|"
                             r"found|thanks|thank you|thx|ty)\b", re.IGNORECASE)


def _asks_for_programs_there(text: str, entities: list[dict[str, Any]], intent: str | None) -> bool:
    said = {e.get(ENTITY_ATTRIBUTE_TYPE) for e in entities}
    if "help" not in said or intent in _KEEPS_ITS_ANSWER or _NOT_A_REQUEST.search(text):
        return False
    # A question the classifier knows keeps its answer unless the words ask nothing ("counseling too pls").
    over = intent in _ADD_ON_OVER or (is_question_intent(intent) and not asks_a_question(text))
    if over and len(text.split()) <= _ADD_ON_WORDS and _ADDS_A_KIND.search(text) and not _ABOUT_THE_KIND.search(text):
        return True
    if intent in _SEARCH_INTENTS:
        return False
    if "place" in said:
        return bool(_ASKS.search(text))
    # "what local CSEC services can I call for her?" read as some long-tail answer: a search with the place known
    # (or asked next) fits better than an answer that only shares a word.
    # "what about for her brother, hes 11. needs a therapist who gets trafficking dynamics": the last search again,
    # for someone else and this kind of help.
    weak = intent in _WEAK_READINGS
    return bool(_ASKS_WHERE.search(text) or (weak and _what_about_only(text))
                or (weak and _ASKS_FOR_PROGRAMS_NEAR.search(text) and (_ASKS.search(text) or asks_a_question(text))))


def _what_about_only(text: str) -> bool:
    """"what about for her brother, hes 11. needs a therapist": another search; not "what about therapy, does my
    foster mom have to know" (a question about it)."""
    found = WHAT_ABOUT.search(text)
    if not found:
        return False
    rest = text[found.end():]
    return not asks_a_question(rest) and not _ABOUT_THE_KIND.search(rest)


# Questions the classifier had no confident answer for, in words that leave no doubt about what is asked.
_PLAIN_QUESTIONS = [
    ("faq/phone_checked", re.compile(r"\b(?:goes|go|going|looks|look|checks|check|reads|read) (?:thru|through|in|at) "
                                     r"my phone\b", re.IGNORECASE)),
    ("ask_confidentiality", re.compile(
        r"\bis (?:this|it|what i (?:type|say|text|write)(?: here)?|this (?:chat|convo|conversation|app|text line))\s+"
        r"(?:really\s+)?(?:private|confidential|anonymous)\b", re.IGNORECASE)),
    ("ask_boys_services", re.compile(
        r"\b(?:take|takes|accept|accepts|help|helps|serve|serves|work with|for)\s+(?:\w+\s+)?(?:dudes|guys|boys|males|"
        r"young men|a (?:boy|guy|dude))\b|"
        # "can boys get trafficked too?", "this stuff dont happen to guys right", "does this even count for guys"
        r"\b(?:boys|guys|dudes|males|young men)\s+(?:\w+\s+)?(?:get|be|are|being)\s+(?:trafficked|exploited|sold|"
        r"pimped)|\b(?:happen|happens|count|counts)\s+(?:\w+\s+)?(?:to|for)\s+(?:guys|boys|dudes|males)\b"
        # not the men who buy: "what happens to guys who buy sex from minors?"
        r"(?!\s+(?:who|that)\s+(?:buy|pay|pimp|sell|traffic|exploit|recruit))"
        # "do they only help girls tho", "people always assume its just girls"
        r"|\b(?:only|just)\s+(?:(?:help|helps|take|takes|serve|serves|accept|accepts|for)\s+)?girls\b"
        r"(?!\s+(?:night|trip|day|chat|group ?chat))",
        re.IGNORECASE)),
    # A helper's question about a young person: "also any tips for the first convo w her", "tips on not scaring her
    # off". Not "him" (a youth's "what can i say to him so he lets me leave"), not a judge or a hotline.
    ("ask_how_to_talk", re.compile(
        r"\b(?:tips|advice|pointers)\b[^.?!]{0,30}\b(?:(?:first )?(?:convo|conversation)s? (?:w|with) (?:her|them)|"
        r"talk(?:ing)? (?:to|with) (?:her|them|my (?:daughter|niece|granddaughter|foster daughter|student|client)|"
        r"the (?:youth|girl|kid|teen|student|client))|scar\w* (?:her|them) off|first (?:convo|conversation))\b",
        re.IGNORECASE)),
    # "should i take her phone away or will that make it worse": the engagement tips, not this chat's privacy.
    ("ask_how_to_talk", re.compile(
        r"\b(?:take|taking|took)\s+(?:away\s+)?(?:her|his|their|my (?:daughter|son|niece|nephew|granddaughter|"
        r"grandson|foster \w+)'?s?)\s+(?:phone|ipad|tablet|laptop|cell|iphone)\b|"
        r"\b(?:take|taking) (?:it|the (?:phone|ipad|tablet)) (?:away )?from (?:her|him|them)\b|"
        r"\b(?:take|taking) the (?:phone|ipad|tablet|laptop|cell) away\b|"
        r"\b(?:her|his|their) (?:phone|ipad|tablet|cell) away\b",
        re.IGNORECASE)),
    # "what are signs my son could be getting exploited?"; not "the signs im pregnant" or "if he really loves me".
    ("ask_warning_signs", re.compile(
        r"\b(?:(?:warning )?signs|red flags)\b[^.?!]{0,40}\b(?:exploit\w*|traffick\w*|groom\w*|csec|pimp\w*|"
        r"being sold|recruit\w*)|"
        # "what r the warning signs i should be watching": in this helpline, of exploitation; not of suicide, cutting,
        # an eating disorder, anywhere in the message
        r"^(?!.*\b(?:suicid\w*|kill\w*|die|dying|dead|cuts?|cutting|self[- ]?harm\w*|hurt\w* (?:her|him|them)sel\w*|"
        r"overdos\w*|depress\w*|eating|goodbye|stroke|heart)\b).*\bwarning signs?\b", re.IGNORECASE)),
]
_SURE_ENOUGH = 0.6
# The response selector picks some answer for anything: its pick is the weakest reading there is.
_WEAK_READINGS = {"faq", "nlu_fallback", "out_of_scope"}
# DIET's safety intents gate nothing (the risk detector decides on danger by itself, after this): a plain question
# read as a disclosure ("he makes me do stuff w guys, does this even count for guys?") is answered after the crisis
# reply. Not one read as self-harm or danger now: their own reply (988, 911) must not be lost.
_OVERRIDABLE = _WEAK_READINGS | {"disclose_exploitation"}


# A young person asking whether an offer or a boyfriend is OK: "is it normal for ur bf to want u to make money for
# him", "some guy on insta wants to fly me to vegas for modeling. is that legit". Not an adult asking about a child.
_IS_IT_OK = re.compile(r"\b(?:is|iz|r|are) (?:it|that|this|dat|dis|he|she|they)\s+(?:\w+\s+)?(?:normal|legit|weird|ok|"
                       r"okay|safe|bad|real|sketchy|sus|fine|a red flag|a scam|wrong)\b|"
                       r"\bshould i (?:go|do it|say yes|trust (?:him|her|them))\b", re.IGNORECASE)
# An offer someone makes them: "she said i could make like 500", "wants to fly me to vegas", "he buys me everything".
_AN_OFFER = re.compile(r"\b(?:wants? (?:me|u|you) to (?:make|get|work|model|dance|go)|"
                       r"(?:said|says) i (?:could|can) make|offer\w*|(?:fly|take|drive) (?:me|u) to|"
                       r"pay(?:s|ing)? (?:me|u) (?:to|for)|paid for my|buys? (?:me|u)|bought (?:me|u)|"
                       r"(?:modeling|model|dancing) (?:job|gig|contract)|for modeling)\b", re.IGNORECASE)
_ABOUT_A_CHILD = re.compile(r"\b(?:my|our|her|his)\s+(?:(?:foster |step|grand)?(?:daughter|son|niece|nephew|kid|child|"
                            r"grandkid)|student|client|patient|youth|teen|granddaughter|grandson)\b", re.IGNORECASE)


def asks_if_a_red_flag(text: str) -> bool:
    return bool(_IS_IT_OK.search(text) and _AN_OFFER.search(text) and not _ABOUT_A_CHILD.search(text))


def _plain_question(text: str, message: Message, entities: list[dict[str, Any]]) -> str | None:
    intent = message.get(INTENT) or {}
    sure = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0) >= _SURE_ENOUGH
    if asks_if_a_red_flag(text) and (not sure or intent.get(INTENT_NAME_KEY) in _WEAK_READINGS):
        return "ask_red_flag"  # the risk detector still decides on danger, after this
    if (sure and intent.get(INTENT_NAME_KEY) not in _OVERRIDABLE) or not asks_a_question(text):
        return None
    if any(e.get(ENTITY_ATTRIBUTE_VALUE) == "caregiver_support" for e in entities):
        return "ask_caregiver_support"  # "we are wiped out. is there respite or support for us"
    return next((name for name, pattern in _PLAIN_QUESTIONS if pattern.search(text)), None)


def _search_first(message: Message) -> None:
    _read_as(message, "find_resource")


def _read_as(message: Message, intent: str) -> None:
    if intent.startswith("faq/"):
        _answer_from_the_selector(message, intent)
        return
    prediction = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [prediction, *[r for r in message.get(INTENT_RANKING_KEY) or []
                             if r.get(INTENT_NAME_KEY) != intent]]
    message.set(INTENT, prediction, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def _answer_from_the_selector(message: Message, key: str) -> None:
    """A long-tail question ("faq/phone_checked") answered the way Rasa answers the response selector's pick."""
    prediction = {INTENT_NAME_KEY: "faq", PREDICTED_CONFIDENCE_KEY: 1.0, "full_retrieval_intent_name": key}
    message.set(INTENT, prediction, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [prediction], add_to_output=True)
    selector = dict(message.get("response_selector") or {})
    chosen = {"intent_response_key": key, "utter_action": f"utter_{key}", "confidence": 1.0, "responses": []}
    selector["faq"] = {**(selector.get("faq") or {}), "response": chosen}
    message.set("response_selector", selector, add_to_output=True)
