"""Harbor's small taxonomy of kinds of help, mapped to Open Eligibility names where one exists.

The order is the order of the numbered menu over SMS and the buttons in web chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from resources_db.ids import harbor_id

TAXONOMY = "harbor-help-categories"
OPEN_ELIGIBILITY = "Open Eligibility (https://github.com/auntbertha/openeligibility)"


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # what the person sees
    description: str
    open_eligibility: str | None  # the Open Eligibility term it maps to, if any
    words: tuple[str, ...]  # what people type for it

    @property
    def term_slug(self) -> str:
        return f"harbor-{self.code.replace('_', '-')}"

    @cached_property
    def term_id(self) -> str:
        """The taxonomy_term row's id: a UUID, fixed by the slug (resources_db/ids.py)."""
        return harbor_id("taxonomy_term", self.term_slug)


CATEGORIES: tuple[Category, ...] = (
    Category("emergency_shelter", "Safe place tonight", "Emergency shelter beds, tonight or soon.",
             "Emergency Shelter", ("shelter", "bed", "beds", "sleep", "stay", "tonight", "emergency shelter")),
    Category("transitional_housing", "Longer-term housing", "Transitional and residential housing programs.",
             "Short-Term Housing", ("housing", "transitional", "residential", "apartment", "home", "group home")),
    Category("drop_in", "Drop-in center", "Places to walk in for a meal, a shower, a case manager or peers.",
             None, ("drop in", "drop-in", "dropin", "center", "hang out", "shower")),
    Category("crisis_hotline", "Hotline 24/7", "Phone and text lines that answer any time.",
             "Help Hotlines", ("hotline", "call", "crisis", "line", "talk", "someone")),
    Category("trafficking_services", "Trafficking survivor help",
             "Case management, advocacy and recovery for people who were trafficked or exploited.",
             None, ("trafficking", "exploitation", "exploited", "survivor", "advocate", "case management")),
    Category("mental_health", "Counseling", "Counseling, therapy and crisis support.",
             "Mental Health Care", ("counseling", "counselor", "therapy", "therapist", "mental", "mental health")),
    Category("medical", "Health care", "Medical, dental and sexual health care.",
             "Medical Care", ("health", "clinic", "doctor", "medical", "sti", "pregnant", "pregnancy", "dental")),
    Category("legal", "Legal help", "Records, court, immigration and other legal help.",
             "Advocacy & Legal Aid", ("legal", "lawyer", "court", "records", "immigration", "papers", "visa")),
    Category("food", "Food", "Free meals and food help.", "Food", ("food", "eat", "meal", "meals", "hungry")),
    Category("education_jobs", "School and jobs", "School, GED, job training and work.",
             "Skills & Training", ("school", "job", "jobs", "work", "ged", "training", "education")),
    Category("substance_use", "Drugs or alcohol", "Help with drugs or alcohol.",
             "Addiction & Recovery", ("drugs", "alcohol", "substance", "rehab", "sober", "using")),
    Category("caregiver_support", "Caregiver support", "Support and training for foster parents and caregivers.",
             "Relief for Caregivers", ("caregiver", "foster parent", "parent", "parents", "foster", "family")),
)

BY_CODE = {category.code: category for category in CATEGORIES}
# What a Spanish-speaking person sees (bot/nlu/language.py: Spanish is a first step).
SPANISH_LABELS = {
    "emergency_shelter": "un lugar seguro esta noche", "transitional_housing": "un lugar para vivir a largo plazo",
    "drop_in": "centros para jovenes sin cita", "crisis_hotline": "lineas de ayuda 24/7",
    "trafficking_services": "ayuda para sobrevivientes de trata", "mental_health": "consejeria",
    "medical": "atencion medica", "legal": "ayuda legal", "food": "comida", "education_jobs": "escuela y trabajo",
    "substance_use": "ayuda con drogas o alcohol", "caregiver_support": "apoyo para cuidadores",
}
_WORD = re.compile(r"[a-z0-9-]+")


def category_for(text: str | None) -> Category | None:
    """The category a reply names: a menu number, a code, a label, or one of its words."""
    if not text:
        return None
    cleaned = " ".join(_WORD.findall(text.lower()))
    if cleaned.isdigit():
        index = int(cleaned) - 1
        return CATEGORIES[index] if 0 <= index < len(CATEGORIES) else None
    for category in CATEGORIES:
        if cleaned in (category.code.replace("_", " "), category.label.lower(), category.code):
            return category
    for category in CATEGORIES:
        if any(_said_not_negated(word, cleaned) for word in category.words):
            return category
    return None


_NEGATION = re.compile(r"\b(?:dont|don't|do not|not|never|no|pls dont|please dont)\s+(?:\w+\s+)?$")


def _said_not_negated(word: str, cleaned: str) -> bool:
    """"please dont call my mom" names no hotline: a word counts unless a negation comes just before it."""
    return any(not _NEGATION.search(cleaned[:match.start()])
               for match in re.finditer(rf"\b{re.escape(word)}\b", cleaned))


def numbered_menu() -> str:
    return " ".join(f"{number}) {category.label}" for number, category in enumerate(CATEGORIES, start=1))
