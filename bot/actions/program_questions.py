"""A question about the programs themselves ("does it cost money", "do they need insurance", "do any of
them take just girls"), asked while a search asks something or right after its results. Harbor does not
know each program's rules and must not guess them: it says so, and who can find one that fits. Before
this, such a question got "Sorry, I didn't get that" or an unrelated answer."""

from __future__ import annotations

import re

from bot.actions.questions import asks_a_question

_ABOUT_PROGRAMS = re.compile(
    r"\b(?:cost|costs|free|pay|paid|money|insurance|insured|medi-?cal|medicaid|id|ids|documents?|papers|"
    r"placement order|take|takes|taking|accept|accepts|allow|allowed|let me|let them|just girls|only girls|"
    r"just boys|only boys|girls only|boys only|trans|curfew|rules|how long|stay there|wait ?list|"
    r"parents? (?:permission|consent)|permission|consent|sign me in|sign up|"
    r"(?:have|need|got) to be (?:1[0-9]|2[0-5]|an? (?:adult|minor))|age limit|too (?:young|old)|open|hours|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekends?|walk[- ]?in|call (?:my|ur|your) "
    r"(?:parents?|mom|dad|social worker|caseworker|po))\b", re.IGNORECASE)
ANSWER = "utter_program_question"


def is_program_question(text: str | None) -> bool:
    return asks_a_question(text) and bool(_ABOUT_PROGRAMS.search(text or ""))


# Read as a question about Harbor ("will they call the police"), asked about the programs: "do they call ur parents".
_ABOUT_HARBOR = ("faq/police_cps", "faq/mandated_reporting")
# Not "if i call the hotline will they call the police", "does it tell anyone if i text u": about Harbor or a line.
_ABOUT_A_LINE = re.compile(r"\b(?:hotline|harbor|this (?:chat|app|number|line)|text (?:u|you)|you guys|(?:my|his|her) "
                           r"phone)\b", re.IGNORECASE)
_A_PROGRAM_TELLS = re.compile(r"\b(?:they|it|staff|the (?:shelter|clinic|program|place|staff|nurse|doctor|counselor|"
                              r"therapist|center|drop[- ]?in|people there))\b[^.?!]{0,30}\b(?:call|calls|tell|tells|"
                              r"contact|report|notify|find out|let (?:my|ur|your) \w+ know)\b", re.IGNORECASE)


def about_the_programs(text: str | None, intent: str) -> bool:
    """A question the classifier read as one about Harbor ("will they call the police"), asked about programs."""
    return (intent in _ABOUT_HARBOR and bool(_A_PROGRAM_TELLS.search(text or ""))
            and not _ABOUT_A_LINE.search(text or ""))
