"""Spanish or English, and what a Spanish message asks for. Plain Python.

The detector is lingua's, restricted to English and Spanish, from the model inside its wheel:
nothing is downloaded at run time. A message counts as Spanish only when lingua is sure and it has
at least two words, so "ok", "fresno" or "16" never switch the conversation's language. Mixed
Spanglish that lingua calls English stays English, where the NLU and the risk layer (trained on
Spanglish too) read it.

Harbor's Spanish is a first step: the crisis lines, a search for help near them (a safe place, food, a
clinic, counseling, legal help, help for survivors or for caregivers, school and jobs), and an honest
line that the rest is in English for now. The intents below are what those answers need; anything else
gets that honest line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SPANISH, ENGLISH = "es", "en"
MIN_CONFIDENCE = 0.9

# (intent, words that ask for it), first match wins: danger is the risk layer's, before this.
SPANISH_INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("need_shelter", re.compile(r"\b(?:cama|camas|dormir|duermo|quedarme|quedar|albergue|refugio|techo|donde vivir|"
                                r"casa hogar|lugar seguro|lugar para|hospedaje|en la calle|me corrieron)\b")),
    ("need_food", re.compile(r"\b(?:comida|comer|hambre|despensa|alimentos?|food)\b")),
    ("need_health", re.compile(r"\b(?:clinica|doctora?|medic[oa]|salud|embarazada|embarazo|enferm[oa]|dentista|"
                               r"hospital|pastilla|anticonceptiv\w*|prueba)\b")),
    # "hay mas?" after a list: the next results. Only a short message, so "hay mas comida" is food.
    ("more", re.compile(r"^\W*(?:y |hay |tienes |dame |ver |muestrame )?(?:mas|otros?|otras?|siguientes?)"
                        r"(?: opciones| lugares| programas)?\W*$")),
    ("ask_crisis_numbers", re.compile(r"\b(?:numero|telefono|linea|llamar|hablar con alguien|persona real|"
                                      r"una persona|ayuda|ayudame|auxilio)\b")),
    ("greet", re.compile(r"^(?:hola|buenas|buenos dias|buenas tardes|buenas noches|que onda|oye)\b")),
    ("thanks", re.compile(r"\b(?:gracias|grax|thx)\b")),
    ("goodbye", re.compile(r"\b(?:adios|bye|nos vemos|hasta luego)\b")),
]
_SPANISH_MORE = dict(SPANISH_INTENTS)["more"]
_SPANISH_THANKS = re.compile(r"\b(?:gracias|por favor|porfa)\b")
# The kind of help a Spanish message asks for, beyond a bed, food or a clinic (the directory's category codes).
SPANISH_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("mental_health", re.compile(r"\b(?:consejeri\w*|consejer[oa]s?|terapi\w*|terapeuta|psicolog\w*|salud mental)\b")),
    ("legal", re.compile(r"\b(?:abogad[oa]s?|ayuda legal|legal|licenciad[oa]|antecedentes|record)\b")),
    ("caregiver_support", re.compile(r"\b(?:grupos? (?:para|de) (?:padres|madres|abuel[oa]s|familias|cuidadores|tias)|"
                                     r"apoyo para (?:mi|padres|madres|abuel[oa]s|familias|cuidadores)|"
                                     r"(?:me|nos) (?:ayude|ayuden|ayuda|ayudan) a (?:mi|nosotr[oa]s)\b)")),
    ("trafficking_services", re.compile(r"\b(?:(?:la|de|contra la) trata|explotaci\w*|sobrevivientes?|"
                                        r"(?:ayud\w*|programas?|lugar\w*) (?:a|para) (?:ninas|ninos|jovenes|muchachas|"
                                        r"chicas|muchachos) (?:asi|como ella|como el|como mi \w+))\b")),
    ("education_jobs", re.compile(r"\b(?:trabajo|empleo|chamba|escuela|ged|estudiar)\b")),
    ("drop_in", re.compile(r"\b(?:centro de dia|durante el dia|banarme|ducharme|lavar (?:mi )?ropa)\b")),
    ("substance_use", re.compile(r"\b(?:drogas|alcohol|rehabilitacion|rehab)\b")),
]
_SPANISH_MARKERS = re.compile(r"\b(?:necesito|quiero|donde|estoy|tengo|ayuda|hola|por favor|porfa|gracias|"
                              r"no se|que|como|puedo|hay)\b")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()


def language_of(text: str | None) -> str | None:
    """"es" or "en" when the message says so clearly; None for short or unclear ones."""
    if not text:
        return None
    words = re.findall(r"[^\W\d_]+", text)
    if _SPANISH_MORE.search(_plain(text)) or (len(words) <= 3 and _SPANISH_THANKS.search(_plain(text))):
        return SPANISH  # "hay mas?", "ok gracias": too short for the detector, but no English reads that way
    if len(words) < 2 and not (words and _SPANISH_MARKERS.fullmatch(_plain(words[0]))):
        return None
    from lingua import Language

    confidences = {value.language: value.value for value in _detector().compute_language_confidence_values(text)}
    if confidences.get(Language.SPANISH, 0.0) >= MIN_CONFIDENCE:
        return SPANISH
    if confidences.get(Language.ENGLISH, 0.0) >= MIN_CONFIDENCE:
        return ENGLISH
    return None


def spanish_intent(text: str) -> str:
    """What a Spanish message asks for, among what Harbor can answer in Spanish; else `spanish_other`."""
    plain = _plain(text)
    needs, others = SPANISH_INTENTS[:3], SPANISH_INTENTS[3:]  # a bed, food or a clinic before anything else
    found = next((intent for intent, pattern in needs if pattern.search(plain)), None)
    if found is None and spanish_kind(text):
        found = "find_resource"  # any other kind of help the directory lists
    return found or next((intent for intent, pattern in others if pattern.search(plain)), "spanish_other")


# Words that ask for help (not "me ofrece trabajo", not "dejo la escuela").
_ASKS_FOR_IT = re.compile(r"\b(?:hay|busco|buscamos|necesito|necesita|necesitamos|quiero|queremos|donde|conoce[ns]?|"
                          r"sabe[ns]? de|recomienda\w*|algun[oa]?|alguien)\b")
_AN_OFFER_ES = re.compile(r"\bofrec\w*|\bme dan\b|\bme da\b")


def spanish_kind(text: str) -> str | None:
    """The directory category a Spanish message asks for, beyond a bed, food or a clinic: "hay consejeria en
    español por aqui?" is counseling, "hay abogados que ayudan gratis?" legal help. Only when the words ask."""
    plain = _plain(text)
    if not _ASKS_FOR_IT.search(plain) or _AN_OFFER_ES.search(plain):
        return None
    return next((kind for kind, pattern in SPANISH_KINDS if pattern.search(plain)), None)


def looks_spanish(text: str) -> bool:
    """Spanglish the detector was unsure of ("necesito una clinica, creo que estoy pregnant"): Spanish
    when it uses Spanish words Harbor knows. Used only where the English model already said the
    message is not English."""
    plain = _plain(text)
    return (bool(_SPANISH_MARKERS.search(plain)) or any(p.search(plain) for _, p in SPANISH_INTENTS[:-3])
            or bool(spanish_kind(text)))
