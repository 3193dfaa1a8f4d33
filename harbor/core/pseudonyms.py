"""Conversation ids are pseudonyms, never phone numbers (DESIGN rule 8).

An SMS conversation is "sms:" + HMAC-SHA256 of the sender's E.164 number under a key derived from
HARBOR_ID_SECRET (or var/secrets/id_secret). The same number always maps to the same conversation,
but the id cannot be turned back into the number without the key, and a guess can only be checked
by someone who holds it. The number itself is kept only encrypted (channels/sms_store.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re

import phonenumbers

from harbor.core.secret_store import derived_key

SMS_PREFIX = "sms:"
WEB_PREFIX = "web:"
REST_PREFIX = "rest:"
PREFIXES = (SMS_PREFIX, WEB_PREFIX, REST_PREFIX)


def e164(number: str) -> str:
    """Twilio sends E.164 already; normalise anyway so "+1 (510) ..." and "+1510..." are one person."""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number.strip()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def sms_conversation_id(number: str) -> str:
    digest = hmac.new(derived_key("sms-pseudonym"), e164(number).encode(), hashlib.sha256).hexdigest()
    return SMS_PREFIX + digest


def mask_number(number: str) -> str:
    """For a log line that must say which roster number: the last two digits only."""
    digits = [c for c in number if c.isdigit()]
    return "..." + "".join(digits[-2:]) if digits else "(none)"


_NUMBER = re.compile(r"\+?\d{7,15}")  # E.164 or a bare run of digits; not ports, codes, dates


def scrubbed(error: Exception) -> str:
    """An error's text with any phone number in it masked (a provider may quote the To number)."""
    return _NUMBER.sub(lambda match: mask_number(match.group(0)), str(error))
