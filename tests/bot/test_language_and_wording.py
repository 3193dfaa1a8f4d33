"""Spanish is recognised only when sure; web chat says type, never rewriting a phone action."""

from __future__ import annotations

import pytest

from bot.nlu.language import ENGLISH, SPANISH, language_of, looks_spanish, spanish_intent, spanish_kind
from channels.web_wording import for_web


@pytest.mark.parametrize(("text", "language"), [
    ("necesito una cama esta noche", SPANISH), ("no tengo donde quedarme", SPANISH),
    ("i need a bed tonight", ENGLISH), ("ok", None), ("fresno", None), ("16", None), ("ok gracias", SPANISH),
    ("thanks", None),
])
def test_language_only_when_sure(text: str, language: str | None):
    assert language_of(text) == language


@pytest.mark.parametrize(("text", "intent"), [
    ("necesito una cama esta noche", "need_shelter"), ("tengo mucha hambre", "need_food"),
    ("creo que estoy embarazada, necesito una clinica", "need_health"),
    ("cual es el numero de ayuda", "ask_crisis_numbers"), ("me gusta el futbol", "spanish_other"),
    ("hay mas?", "more"), ("otros", "more"), ("hay mas comida?", "need_food"),
    ("hay consejeria en español por aqui?", "find_resource"), ("se trata de mi hija", "spanish_other"),
])
def test_spanish_needs(text: str, intent: str):
    assert spanish_intent(text) == intent


@pytest.mark.parametrize(("text", "kind"), [
    ("hay consejeria en español por aqui?", "mental_health"), ("Hay abogados que ayudan gratis por aquí?", "legal"),
    ("hay grupos para abuelas que cuidan a sus nietos?", "caregiver_support"),
    ("¿hay alguien aquí que ayude a niñas así?", "trafficking_services"),
    ("necesito trabajo y terminar la escuela", "education_jobs"), ("se trata de mi hija", None),
    ("un hombre me ofrece trabajo y casa", None), ("mi hija dejo la escuela por un hombre mayor", None),
    ("tengo miedo de ir a la escuela", None), ("quien ayuda a mi hijo, se escapo", None),
])
def test_spanish_asks_for_any_kind_of_help_the_directory_lists(text: str, kind: str | None):
    assert spanish_kind(text) == kind


def test_a_short_spanish_more_is_spanish():
    assert language_of("hay mas?") == SPANISH and language_of("more") is None


@pytest.mark.parametrize(("sms", "web"), [
    ("Where are you? Text your ZIP code or a city.", "Where are you? Type your ZIP code or a city."),
    ("Reply MORE", "Type MORE"), ("Reply YES or NO.", "Type YES or NO."),
    ("You can text any time, day or night.", "You can type any time, day or night."),
    ("call or text 988 now", "call or text 988 now"), ("text 233733 (hotline)", "text 233733 (hotline)"),
])
def test_web_wording(sms: str, web: str):
    assert for_web(sms) == web


def test_spanglish_the_english_model_calls_foreign_is_read_as_spanish_only_with_spanish_words():
    assert looks_spanish("necesito una clinica, creo que estoy pregnant y estoy en san jose")
    assert not looks_spanish("xin chao ban oi")
