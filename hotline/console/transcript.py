"""One conversation as an advocate reads it: the youth's and the bot's turns in order, the risk
signals that fired on each message, and the safety plan if one was made. Read from Rasa's own
tracker store (its `events` table in the one database) with plain SQL: no Rasa import here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from hotline import takeover

PLAN_SLOTS = {"plan_place": "Safe place", "plan_person": "Person to call", "plan_number": "Number",
              "plan_code_word": "Code word"}


@dataclass
class Turn:
    speaker: str  # "youth", "bot", "advocate", or "event" (the youth left the page)
    text: str
    at: datetime
    level: str = "none"
    signals: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    turns: list[Turn]
    safety_plan: dict[str, str]
    # What an advocate wrote that has not reached the youth yet (or could not): (text, status).
    undelivered: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"turns": [{"speaker": t.speaker, "text": t.text, "at": t.at.strftime("%H:%M:%S"), "level": t.level,
                           "signals": t.signals} for t in self.turns],
                "undelivered": [{"text": text, "status": status} for text, status in self.undelivered]}


def _signal_label(signal: dict) -> str:
    return f"{signal.get('source', '?')}: {signal.get('name', '?')} ({signal.get('category', '?')}, " \
           f"{signal.get('level', '?')})"


def read(session: Session, conversation_id: str) -> Transcript:
    undelivered = [(m.body, m.status) for m in takeover.messages_for(session, conversation_id)
                   if m.status != takeover.SENT]
    exits = [Turn("event", "Left the page (Quick exit)", at) for at in takeover.page_exits(session, conversation_id)]
    if not inspect(session.connection()).has_table("events"):
        return Transcript(exits, {}, undelivered)
    rows = session.execute(text("SELECT type_name, timestamp, data FROM events WHERE sender_id = :id "
                                "AND type_name IN ('user', 'bot', 'slot') ORDER BY id"),
                           {"id": conversation_id})
    turns: list[Turn] = []
    plan: dict[str, str] = {}
    for type_name, timestamp, data in rows:
        event = json.loads(data)
        at = datetime.utcfromtimestamp(float(timestamp))
        if type_name == "user":
            risk = (event.get("parse_data") or {}).get("risk") or {}
            turns.append(Turn("youth", event.get("text") or "", at, risk.get("level", "none"),
                              [_signal_label(s) for s in risk.get("signals") or []]))
        elif type_name == "bot" and event.get("text"):
            speaker = "advocate" if (event.get("metadata") or {}).get("advocate") else "bot"
            turns.append(Turn(speaker, event["text"], at))
        elif type_name == "slot" and event.get("name") in PLAN_SLOTS and event.get("value"):
            plan[PLAN_SLOTS[event["name"]]] = str(event["value"])
    turns += exits
    turns.sort(key=lambda turn: turn.at)  # stable: turns at the same moment keep their order
    return Transcript(turns, plan, undelivered)
