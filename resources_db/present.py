"""One search hit as one short SMS (GSM-7, at most 320 characters), for the bot and the CLI.

The phrases for a confidential shelter live here because they wrap directory data; everything
else the bot says is in domain.yml.
"""

from __future__ import annotations

from harbor.core.gsm7 import to_gsm7
from resources_db.search import LOCAL, NATIONAL, Hit

MAX_CHARS = 320
CONFIDENTIAL_WITH_PHONE = (
    "Address kept private for safety: call their intake line, {phone}; they will meet you somewhere safe."
)
CONFIDENTIAL_NO_PHONE = "Address kept private for safety; reach them through {url}."
# Spanish: the directory's descriptions are English, so a Spanish reader gets what was searched for in
# Spanish, the ages and how to reach them, not an English paragraph (issue 11, Spanish first step).
CONFIDENTIAL_WITH_PHONE_ES = "Direccion privada por seguridad: llama a su linea, {phone}; te ven en un lugar seguro."
CONFIDENTIAL_NO_PHONE_ES = "Direccion privada por seguridad; contactalos en {url}."
WHERE_ES = {NATIONAL: "nacional"}


def ages(hit: Hit) -> str | None:
    low, high = hit.minimum_age, hit.maximum_age
    if low is not None and high is not None:
        return f"Ages {low}-{high}"
    if low is not None:
        return f"Ages {low}+"
    if high is not None:
        return f"Ages {high} and under"
    return None


def where(hit: Hit) -> str:
    if hit.scope == LOCAL:
        return f"{hit.city}, {hit.distance_miles:g} mi" if hit.city else f"{hit.distance_miles:g} mi"
    return "national" if hit.scope == NATIONAL else "statewide"


def shown_url(url: str | None) -> str | None:
    """The directory keeps full URLs (HSDS asks for them); a text shows them without https://,
    as the seed prints them: phones link a bare address, and every character of an SMS counts."""
    return url.removeprefix("https://") if url else url


def contact(hit: Hit) -> str:
    voice = next((p["number"] for p in hit.phones if p["type"] in ("voice", "hotline", "cell")), None)
    text = next((p["number"] for p in hit.phones if p["type"] == "text"), None)
    if hit.confidential_location:
        if voice:
            return CONFIDENTIAL_WITH_PHONE.format(phone=voice)
        return CONFIDENTIAL_NO_PHONE.format(url=shown_url(hit.url) or "the hotline below")
    parts = []
    if voice:
        parts.append(f"Call {voice}")
    if text:
        parts.append(f"text {text}" if voice else f"Text {text}")
    if parts:
        return ", ".join(parts) + "."
    return f"Web: {shown_url(hit.url)}" if hit.url else ""


def format_hit(hit: Hit, number: int) -> str:
    head = f"{number}) {hit.name} ({where(hit)})"
    tail = " ".join(part for part in (ages(hit) and ages(hit) + ".", contact(hit), hit.hours and hit.hours + ".")
                    if part)
    room = MAX_CHARS - len(head) - len(tail) - 4
    summary = hit.description or ""
    if len(summary) > room:
        summary = summary[: max(0, room - 3)].rstrip(" ,;") + "..."
    message = f"{head}: {summary} {tail}" if summary else f"{head}: {tail}"
    return to_gsm7(message.strip())[:MAX_CHARS]


def ages_es(hit: Hit) -> str | None:
    low, high = hit.minimum_age, hit.maximum_age
    if low is not None and high is not None:
        return f"Edades {low}-{high}"
    if low is not None:
        return f"Desde {low} años"
    if high is not None:
        return f"Hasta {high} años"
    return None


def contact_es(hit: Hit) -> str:
    voice = next((p["number"] for p in hit.phones if p["type"] in ("voice", "hotline", "cell")), None)
    text = next((p["number"] for p in hit.phones if p["type"] == "text"), None)
    if hit.confidential_location:
        if voice:
            return CONFIDENTIAL_WITH_PHONE_ES.format(phone=voice)
        return CONFIDENTIAL_NO_PHONE_ES.format(url=shown_url(hit.url) or "la linea de abajo")
    parts = [f"Llama al {voice}"] if voice else []
    if text:
        parts.append(f"texto al {text}" if voice else f"Texto al {text}")
    if parts:
        return ", ".join(parts) + "."
    return f"Web: {shown_url(hit.url)}" if hit.url else ""


def format_hit_es(hit: Hit, number: int, what: str) -> str:
    """The same hit for a Spanish reader: `what` is the Spanish name of the help searched for."""
    place = WHERE_ES.get(hit.scope, "en California") if hit.scope != LOCAL else where(hit)
    kind = "linea de ayuda" if hit.scope == NATIONAL else what
    parts = [f"{number}) {hit.name} ({place}): {kind}.", ages_es(hit) and ages_es(hit) + ".", contact_es(hit),
             "Abierto 24/7." if hit.open_24_7 else None]
    return to_gsm7(" ".join(part for part in parts if part))[:MAX_CHARS]
