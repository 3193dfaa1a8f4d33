"""The fact extractor's intent corrections: a kind of help asked for at a named place is a search, whatever
else the message says; a question about what a program is like keeps its answer."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.fact_extractor import FactExtractor


def intent_after(text: str, intent: str) -> str:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.6})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.6}])
    FactExtractor().process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize(("text", "intent"), [
    ("lol my foster kid says her bio mom is gonna kill her over her report card. anyway looking for counseling "
     "for her in chula vista", "ask_relapse"),
    ("where can i get tested for stds w/o my mom finding out. im in oakland", "faq"),
    ("we're in east oakland. need somewhere she can go today", "ask_suspect_what_to_do"),
    ("and drop-in centers near compton for when they AWOL", "faq"),
    # set o: words that plainly ask where to take someone, with or without the place
    ("where can I send her for a full exam thats trauma informed", "ask_trauma_informed"),
    ("can i get tested for stds without my foster mom knowing?? im 14 in east sj 95116", "faq"),
    ("She's agreed to see a counselor who understands exploitation, somewhere in Hollister", "faq"),
    # read as some long-tail answer: local programs asked for, the place known from before (or asked)
    ("security separated them, LE is here. what local CSEC services can I call for her?", "faq"),
    ("Also any services specifically for trafficking survivors?", "nlu_fallback"),
    ("what about for her brother, hes 11, same home. needs a therapist who gets trafficking dynamics", "faq"),
])
def test_a_kind_of_help_asked_for_at_a_place_is_a_search(text: str, intent: str):
    assert intent_after(text, intent) == "find_resource"


@pytest.mark.parametrize(("text", "intent"), [
    ("is there a curfew at the shelter in oakland", "ask_shelter_life"),  # about a program, answered first
    # the review: a question about therapy is not a request to be sent somewhere
    ("should i get her a therapist or will that push her away", "ask_how_to_talk"),
    ("where do they go for therapy after being trafficked", "ask_therapy_models"),
    ("we moved to fresno last year and she has been in counseling since", "ask_youth_returned"),  # no ask
    ("looking for counseling for her", "ask_relapse"),  # no place: the form asks
    # found by the review: a negation, a privacy question, a worry
    ("no i dont need a shelter in fresno", "deny"),
    ("stop i dont need a shelter in fresno anymore", "stop_form"),
    ("will the clinic in oakland tell my mom if i need birth control", "ask_confidentiality"),
    ("will i get in trouble if i need a shelter in fresno, im on probation", "ask_in_trouble"),
    ("she came back from la and needs a doctor, what do i say to her", "ask_youth_returned"),
    # danger keeps its rule, so the crisis reply comes first (found by the second review)
    ("idk where to sleep tonight hes gonna find me in modesto", "in_danger_now"),
    ("i need a shelter in fresno tonight i dont want to be alive anymore", "self_harm"),
])
def test_other_messages_keep_their_intent(text: str, intent: str):
    assert intent_after(text, intent) == intent


def plain_question_after(text: str, confidence: float, intent: str = "nlu_fallback") -> str:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    FactExtractor().process([message])
    return message.get("intent")["name"]


@pytest.mark.parametrize(("text", "intent"), [
    ("is this private? my guy goes thru my phone", "faq"),
    ("is what i type here private", "ask_confidentiality"),
    ("do they even take dudes", "ask_boys_services"),
    ("does anywhere help a guy like me", "ask_boys_services"),
    ("can boys get trafficked too? my foster son keeps getting rides from older men", "ask_boys_services"),
    ("im a guy tho this stuff dont happen to guys, right", "ask_boys_services"),
    ("what are signs my son could be getting exploited? everything I read is about girls", "ask_warning_signs"),
    ("also any tips for the first convo w her. shes completely shut down", "ask_how_to_talk"),
    ("thx. tips on not scaring her off next time?", "ask_how_to_talk"),
    ("do they only help girls tho", "ask_boys_services"),
    ("15yo boy in my care gets texts at 2-3am and sneaks out. what r the warning signs i should be watching",
     "ask_warning_signs"),
    ("should i take her phone away or will that make it worse", "ask_how_to_talk"),
    ("She keeps her phone under her pillow and someone keeps calling her. Should I take it from her?",
     "ask_how_to_talk"),
])
def test_a_plain_question_the_classifier_was_unsure_of_is_answered(text: str, intent: str):
    assert plain_question_after(text, 0.3) == intent


def test_a_confident_reading_and_a_statement_keep_their_intent():
    assert plain_question_after("is this private? my guy goes thru my phone", 0.9, "ask_in_trouble") == "ask_in_trouble"
    assert plain_question_after("the guys took my phone", 0.3) == "nlu_fallback"  # not a question
    assert plain_question_after("how do i delete this conversation?", 0.3, "faq") == "faq"
    assert plain_question_after("is it just girls night tonight?", 0.3) == "nlu_fallback"
    assert plain_question_after("what are warning signs of suicide in teens?", 0.3) == "nlu_fallback"
    # (review) a youth's own phone, and self-harm, keep their readings
    assert plain_question_after("he took my phone away. what do i do", 0.3) == "nlu_fallback"
    assert plain_question_after("should i put my phone away", 0.3) == "nlu_fallback"
    assert plain_question_after("my foster daughter cuts herself, what are warning signs it's getting worse", 0.3) \
        == "nlu_fallback"
    assert plain_question_after("my son said he wants to die. what warning signs do i look for", 1.0, "self_harm") \
        == "self_harm"
    assert plain_question_after("what happens to guys who buy sex from minors?", 0.3, "faq") == "faq"


def test_a_plain_question_inside_a_disclosure_is_answered_after_the_crisis_reply():
    """DIET's safety intents decide nothing (the risk detector does): the question in them is what gets answered
    after the crisis reply."""
    text = "he makes me do stuff w his friends. does this even count for guys?"
    assert plain_question_after(text, 1.0, "disclose_exploitation") == "ask_boys_services"
    assert plain_question_after("is there a shelter that takes guys?", 1.0, "need_shelter") == "need_shelter"


def test_a_phone_that_is_checked_gets_the_answer_about_phones_and_respite_the_caregiver_programs():
    message = Message(data={"text": "is this private? my guy goes thru my phone"})
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.3})
    FactExtractor().process([message])
    assert message.get("intent")["name"] == "faq"
    assert message.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/phone_checked"
    text = "foster dad in santa cruz. our 15yo came back. we are wiped out. is there respite or support for us"
    assert plain_question_after(text, 0.5, "ask_youth_returned") == "ask_caregiver_support"


# A short message adding or switching the kind of help: the search uses the place already said, or asks it.
@pytest.mark.parametrize(("text", "intent"), [
    ("counseling too pls", "faq"),
    ("counseling too pls", "ask_therapy_models"),  # a known question, but the words ask nothing
    ("what about a counselor there too", "nlu_fallback"),
    ("also trafficking-specific case mgmt same area", "faq"),
])
def test_another_kind_of_help_added_in_a_few_words_is_a_search(text: str, intent: str):
    assert intent_after(text, intent) == "find_resource"


@pytest.mark.parametrize(("text", "intent"), [
    ("should i get her a therapist too", "ask_how_to_talk"),
    ("does counseling cost money too", "faq"),
    ("nvm i dont need a bed anymore", "deny"),
    # the review: a check-in's answer, a person asked for, "too" as too much, a cancellation, a report, thanks
    ("im safe, im at the shelter too", "say_safe"),
    ("can i talk to a real counselor instead of a bot", "talk_to_human"),
    ("therapy is too expensive", "faq"),
    ("im too embarrassed to go to the clinic", "nlu_fallback"),
    ("actually nvm i found a place to stay too", "faq"),
    ("do i have to see a therapist too?", "faq"),
    ("she refuses therapy too", "faq"),
    ("is family therapy also recommended for csec survivors?", "ask_therapy_models"),
    ("my therapist told me that too", "nlu_fallback"),
    ("thanks, the shelter was great too", "thanks"),
    ("is there any therapy that works for survivors?", "faq"),  # about a kind of help, not asking for one near
])
def test_a_question_about_another_kind_of_help_keeps_its_answer(text: str, intent: str):
    assert intent_after(text, intent) == intent


# The review of 2026-12-08: a youth's words are not a helper's question, and the men who buy are not boys at risk.
@pytest.mark.parametrize(("text", "intent"), [
    ("what can i say to him so he lets me leave", "disclose_exploitation"),
    ("what do i tell my social worker about where i was all weekend", "faq"),
    ("advice on what to say to the judge", "faq"),
    ("how do i know if he really loves me", "faq"),
    ("how can i tell if he is a pimp", "nlu_fallback"),
    ("what are the signs im pregnant", "faq"),
    ("how can i tell if my phone has a tracker on it", "faq"),
    ("what happens to guys who buy sex from minors?", "faq"),
    ("what happens to guys who pimp out girls, do they go to jail?", "faq"),
])
def test_what_the_review_found_keeps_its_reading(text: str, intent: str):
    assert plain_question_after(text, 0.3, intent) == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("what about counseling? my pimp said they report you", "faq"),
    ("what about therapy, does my foster mom have to know", "faq"),
    ("what about my case worker, does she have to know about the clinic", "faq"),
])
def test_a_question_about_what_about_is_not_a_search(text: str, intent: str):
    assert intent_after(text, intent) == intent


def test_a_spanish_request_for_counseling_is_a_search_for_counseling_where_they_said():
    message = Message(data={"text": "vivimos en salinas, hay consejeria en español por aqui?"})
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.3})
    FactExtractor().process([message])
    said = {e["entity"]: e["value"] for e in message.get("entities")}
    assert message.get("intent")["name"] == "find_resource"
    assert said["help"] == "mental_health" and said["place"] == "salinas" and said["language"] == "es"


@pytest.mark.parametrize(("text", "red_flag"), [
    ("is it normal for ur bf to want u to make money for him", True),
    ("some guy on insta wants to fly me to vegas for modeling, he already paid for my nails. is that legit", True),
    ("is it weird if my bf is 23 and im 15. he buys me everything", True),
    ("theres this girl, she said i could make like 500 at a party. is that legit", True),
    ("is it normal for my daughter to have a 20 year old bf", False),  # an adult asking: the warning signs
    ("my bf hits me is that normal", False),  # abuse, not an offer: the crisis reply says what fits
    ("is the food bank free or do i need money", False),
    ("is it ok if i dont have money for food", False),
    ("is it bad if i took money for sex? am i in trouble", False),
])
def test_a_young_person_asking_if_an_offer_is_ok_is_told_how_people_recruit(text: str, red_flag: bool):
    assert (plain_question_after(text, 0.4, "faq") == "ask_red_flag") is red_flag


def test_a_confident_reading_keeps_its_answer_over_the_recruiting_one():
    assert plain_question_after("is it ok if i stay at a shelter? he offered me a room", 0.9, "need_shelter") \
        == "need_shelter"


def test_a_kind_of_help_and_a_place_asked_over_a_weak_reading_is_a_search():
    """"food bank near east san jose? 95122": the response selector's pick only shared a word with it."""
    def read(text: str) -> str:
        message = Message(data={"text": text})
        message.set("intent", {"name": "faq", "confidence": 0.5})
        FactExtractor().process([message])
        return message.get("intent")["name"]

    assert read("got my 3 nephews placed w me last wk. food bank near east san jose? 95122") == "find_resource"
    assert read("does the shelter in fresno cost money?") == "faq"  # the programs' own rules: the honest answer
    assert read("my daughter stayed at a shelter in fresno last year") == "faq"  # said, not asked
    assert read("my daughter ran away from a shelter in fresno, what do i do?") == "faq"
    assert read("is counseling in san diego confidential?") == "faq"
    assert read("she doesnt want therapy in san diego, she wants to go home") == "faq"
