"""Danger told as over: in the past, at a distance, resolved, with nothing of it in the present.

"i was trafficked at 14, im 22 now and in college", "i tried to kill myself last year but im in a good
place now", "i used to be in the life n im done w it". A survivor telling their story needs no page in
the night; they are asked "are you safe right now?" instead (bot/nlu/risk/assessment.py lowers every
rule hit of such a message to concern; the classifier still votes). All three parts must be there; any
sign of the present ("still", "again", "he found me", "now he", "scared", "not ok") keeps the page.
Patterns read the normalised text (bot/nlu/risk/rules.py: "im" is "i am", "rn" is "right now").
"""

from __future__ import annotations

import re

_NUMBER = r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple(?: of)?|couple|few|many)"
_PAST = re.compile("|".join([
    r"\bused to\b",
    rf"\b(?:{_NUMBER} )?(?:years?|yrs?|months?) ago\b",
    r"\blast (?:year|summer|spring|fall|winter)\b",
    r"\bwhen i was (?:\d+|a kid|a teen|a child|little|younger|in (?:middle|high|elementary) school)\b",
    r"\bas a (?:teen|teenager|kid|child|minor)\b",
    r"\bin (?:\d+(?:st|nd|rd|th) grade|middle school|freshman year|sophomore year)\b",
    r"\b(?:back in|in) (?:19|20)\d\d\b|\bin the (?:\d0s|nineties)\b",
    r"\bwas (?:\w+ ){1,3}at (?:age )?1?\d\b",
]))
_OVER = re.compile("|".join([
    r"\b(?:that|it|all that|all of that|that part|that life) (?:is|was|has been) (?:over|done|behind me|in the past)\b",
    r"\bi am (?:out(?! of (?!the life|that life))|free|safe|okay|ok|fine|good|better|clean|sober|stable|"
    r"in (?:college|school|a good place|a better place|my own place)|\d+ now)\b",
    r"\bdone with (?:that|that life|the life|all that)\b|\bout of (?:the|that) life\b",
    r"\bi(?: have|'ve)? (?:got|gotten|been) (?:out|away|help|clean|sober)\b",
    r"\bdoing (?:good|well|great|better|really (?:good|well))\b",
    r"\b(?:in recovery|in therapy|thriving|reunified|my own (?:place|apartment))\b",
    r"\b(?:clean|sober|out) (?:for )?\d+ (?:years?|yrs?|months?)\b",
    r"\b(?:he is|she is|they are|he got|she got|they got|got) (?:locked up|in prison|in jail|arrested|sentenced)\b",
]))
_PRESENT = re.compile("|".join([
    r"\bstill\b", r"\bagain\b", r"\bright now\b", r"\btonight\b", r"\bscared\b", r"\bafraid\b", r"\bhelp me\b",
    r"\bnow (?:he|she|they|him|her|them|my|it)\b", r"\b(?:came|come|comes|coming|is|are) back\b",
    r"\bback with\b", r"\bfound me\b", r"\bkeeps?\b", r"\bevery (?:day|night|time|week)\b", r"\banymore\b",
    r"\bnot (?:over|done|okay|ok|fine|safe|good)\b", r"\bthreaten", r"\bfollow", r"\boutside\b",
    r"\b(?:texts?|texting|calls?|calling|messag\w*|dms?|dming) me\b", r"\bshow(?:s|ed)? up\b", r"\bleave me alone\b",
    r"\bwants? me\b", r"\bmak(?:e|es|ing) me\b", r"\bsometimes\b", r"\blately\b", r"\bbut now\b",
    r"\bnow i (?!am\b)",
    # "i'm out now but ...", "that was years ago but ...": what comes after the but is the present.
    r"\b(?:now|out|over|okay|ok|fine|safe|good|better|ago|then|before|place) but\b",
]))
# A hit told in the present ("i want to kill myself", "he is making me", "he will") is not over, whatever
# the rest of the message says.
_PRESENT_VERBS = frozenset({"am", "is", "are", "want", "wants", "keep", "keeps", "make", "makes", "making", "will",
                            "going", "been", "being", "have", "has", "can", "need", "needs", "feel", "wish"})
HIT_LOOKBACK = 3


def told_as_over(normalised: str) -> bool:
    """The message places its danger in the past, says it is resolved, and has nothing of it now."""
    return bool(_PAST.search(normalised) and _OVER.search(normalised) and not _PRESENT.search(normalised))


def told_in_the_present(words: list[str]) -> bool:
    """The words of a hit and the few before it: a verb of the present ("am", "is", "want", "will")."""
    return bool(set(words) & _PRESENT_VERBS)
