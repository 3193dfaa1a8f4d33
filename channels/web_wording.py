"""Web chat says type and tap, SMS says text and reply. The domain's responses are written for SMS
(the stricter channel); the web chat rewrites the instructions, never a phone action: "call or text
988" and "text 233733" stay, since those are texts sent from a phone."""

from __future__ import annotations

import re

# "Text MENU", "Reply MORE", "Text your ZIP", "You can text any time".
_INSTRUCTION = re.compile(
    r"\b(?P<verb>Text|text|Reply|reply)\b(?P<rest> (?:[A-Z]{2,}\b|your\b|a (?:word|number)\b|with\b|anything\b|"
    r"any time\b|me\b|back\b|the word\b|just\b|a ZIP\b|[\"'][A-Za-z]))")
_PHRASES = {"Reply with a number:": "Tap one, or type its number:", "Reply MORE": "Type MORE",
            "Responde MORE": "Escribe MORE"}


def for_web(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        verb = match.group("verb")
        word = "Type" if verb[0].isupper() else "type"
        return word + match.group("rest")

    for sms_words, web_words in _PHRASES.items():
        text = text.replace(sms_words, web_words)
    return _INSTRUCTION.sub(swap, text)
