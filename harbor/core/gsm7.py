"""GSM-7: the character set a single SMS segment can carry without switching to UCS-2.

A reply with one character outside it (a curly quote, an emoji) is sent as UCS-2, which
cuts a segment from 160 to 70 characters and garbles on some prepaid handsets.
"""

from __future__ import annotations

import unicodedata

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (an escape plus the character).
GSM7_EXTENSION = "^{}\\[~]|€\f"

_GSM7 = frozenset(GSM7_BASIC + GSM7_EXTENSION)

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\t": " ",
}


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7 for ch in text)


def non_gsm7_characters(text: str) -> list[str]:
    return sorted({ch for ch in text if ch not in _GSM7})


def septet_length(text: str) -> int:
    """Length in GSM-7 septets: extension characters count twice."""
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def to_gsm7(text: str) -> str:
    """Best-effort conversion: typographic punctuation to ASCII, accents stripped, the rest dropped."""
    out: list[str] = []
    for ch in text:
        ch = _REPLACEMENTS.get(ch, ch)
        if all(c in _GSM7 for c in ch):
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        ascii_only = "".join(c for c in decomposed if c in _GSM7)
        out.append(ascii_only)
    return "".join(out)
