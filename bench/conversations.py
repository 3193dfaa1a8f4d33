"""Multi-turn conversations as people have them (tests/conversations/*.yml, written by someone who does
not tune the data), run against a real Harbor: goal completion, fallback rate, and questions asked
again for what was already said.

Each turn's expectations are checked the way the person would notice them:
- escalates: the risk layer escalated that message (the tracker's parse data), so an advocate is paged;
- asks place | age | kind | safe | nothing: the reply asks that question (by the domain's own wording);
- results <kind> [near <place>]: the reply lists a directory program of that kind near there; where
  the directory has none of that kind within 50 miles, saying so and giving the lines that can find
  one counts (Harbor never invents a program);
- mentions_any / never_mentions: words in the reply; fallback: false: not a "didn't get that" reply;
- language: es: the reply is Spanish.
A conversation is complete when every turn meets its expectations. A repeated question is a reply that
asks for a place, age or kind of help the person already gave (their turns' `gives`).

Web-chat conversations run over the REST channel with the web chat's own wording applied
(channels/web_wording.py), so their type/tap wording is checked as the page would show it.

    .venv/bin/python -m bench.conversations            # starts Harbor (needs `harbor train`)
    .venv/bin/python -m bench.conversations --dir tests/conversations_heldout --quiet   # numbers only
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harbor.core.settings import PROJECT_ROOT

CONVERSATIONS = PROJECT_ROOT / "tests" / "conversations"
GOALS = {"completion": 0.90, "fallback_rate": 0.05, "repeated_questions": 0}

KINDS = {"shelter": ("emergency_shelter", "transitional_housing"), "food": ("food",), "health": ("medical",),
         "counseling": ("mental_health",), "legal": ("legal",), "drop_in": ("drop_in",),
         "trafficking": ("trafficking_services",), "jobs": ("education_jobs",),
         "caregiver": ("caregiver_support",)}
QUESTIONS = {
    "place": re.compile(r"where are you|zip code or a city|d[oó]nde est[aá]s|c[oó]digo postal", re.I),
    "age": re.compile(r"how old (?:are you|is)|cu[aá]ntos a[nñ]os", re.I),
    "kind": re.compile(r"what kind of help|qu[eé] (?:tipo de )?ayuda buscas", re.I),
    "safe": re.compile(r"safe right now\? reply|are you safe right now|is everyone safe right now|"
                       r"est[aá]s a salvo", re.I),
}
FALLBACK = re.compile(r"sorry, i didn't get that|sorry, i lost track|i couldn't read any words", re.I)
NONE_NEAR = re.compile(r"i didn't find a program near there|i don't have a (?:food program|clinic) listed near|"
                       r"no encontr[eé] un programa|no tengo (?:un programa|una cl[ií]nica)", re.I)


@dataclass
class Turn:
    say: str
    expect: dict[str, Any]
    gives: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    id: str
    who: str
    channel: str
    goal: str
    turns: list[Turn]


@dataclass
class TurnResult:
    conversation: str
    number: int
    said: str
    reply: str
    failures: list[str]
    fallback: bool
    repeated: list[str]


def load(directory: Path = CONVERSATIONS) -> list[Conversation]:
    conversations = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            turns = [Turn(t["say"], t.get("expect") or {}, list(t.get("gives") or [])) for t in item["turns"]]
            conversations.append(Conversation(item["id"], item["who"], item["channel"], item["goal"], turns))
    return conversations


@dataclass
class Directory:
    """Which programs of a kind the directory holds within 50 miles of a place (for `results`)."""

    database_url: str

    def names_near(self, kind: str, place: str | None, age: int | None = None) -> tuple[set[str], bool]:
        """(names of programs of this kind the bot may list, whether any of them is local for this age)."""
        from bot.actions.resources import _query
        from bot.nlu.facts import SHORT_NAMES
        from harbor.core.db import session_scope
        from resources_db.places import PlaceNotFound
        from resources_db.search import LOCAL, search

        names: set[str] = set()
        local = False
        # The place as people name it: "Oildale" is Bakersfield's, "Fruitvale" Oakland's (bot/nlu/facts.py).
        place = SHORT_NAMES.get(place.lower(), place) if place else place
        with session_scope(self.database_url) as session:
            for category in KINDS[kind]:
                try:
                    hits = search(session, _query(category, place, age)).hits
                except PlaceNotFound:
                    # A place the directory does not know (a writer's "Oildale"): no program can be confirmed
                    # near it, so only an honest "none listed near there" passes.
                    return set(), False
                names |= {hit.name for hit in hits if hit.scope == LOCAL or not place}
                local = local or any(hit.scope == LOCAL for hit in hits)
        return names, local


def _spanish(text: str) -> bool:
    from bot.nlu.language import SPANISH, language_of

    return language_of(text) == SPANISH


def check_turn(turn: Turn, reply: str, parse: dict[str, Any], directory: Directory,
               age: int | None = None) -> list[str]:
    failures = []
    expect = turn.expect
    lowered = reply.lower()
    risk = parse.get("risk") or {}
    if "escalates" in expect and bool(risk.get("escalates")) != bool(expect["escalates"]):
        failures.append(f"escalates should be {expect['escalates']}")
    asked = {name for name, pattern in QUESTIONS.items() if pattern.search(reply)}
    if "asks" in expect:
        wanted = expect["asks"]
        if wanted == "nothing" and asked:
            failures.append(f"asked {sorted(asked)}, should ask nothing")
        elif wanted != "nothing" and wanted not in asked:
            failures.append(f"should ask {wanted}")
    if "results" in expect:
        names, local = directory.names_near(expect["results"], expect.get("near"), age)
        listed = any(name.lower() in lowered for name in names)
        honest_none = not local and bool(NONE_NEAR.search(reply)) and expect.get("near")
        if not listed and not honest_none:
            failures.append(f"should list {expect['results']} programs" + (f" near {expect['near']}"
                                                                           if expect.get("near") else ""))
    mentions = expect.get("mentions_any") or []
    if mentions and not any(str(word).lower() in lowered for word in mentions):
        failures.append(f"should mention one of {mentions}")
    for phrase in expect.get("never_mentions") or []:
        if str(phrase).lower() in lowered:
            failures.append(f"should not say {phrase!r}")
    if expect.get("fallback") is False and FALLBACK.search(reply):
        failures.append("fell back")
    if expect.get("language") == "es" and not _spanish(reply):
        failures.append("should answer in Spanish")
    return failures


def run_conversation(conversation: Conversation, send: Callable[[str, str], list[str]],
                     parse_of: Callable[[str], dict[str, Any]], directory: Directory) -> list[TurnResult]:
    from channels.web_wording import for_web

    sender = f"conv-{conversation.id}-{uuid.uuid4().hex[:8]}"
    from bot.nlu.facts import ages

    given: set[str] = set()
    age: int | None = None
    results = []
    for number, turn in enumerate(conversation.turns, start=1):
        said_age = ages(turn.say)
        age = int(said_age[0].value) if said_age else age  # the age the person gave, for `results`
        texts = send(turn.say, sender)
        if conversation.channel == "web":
            texts = [for_web(text) for text in texts]
        reply = "\n".join(texts)
        asked = {name for name, pattern in QUESTIONS.items() if pattern.search(reply) and name != "safe"}
        repeated = sorted(asked & (given | set(turn.gives)))
        failures = check_turn(turn, reply, parse_of(sender), directory, age)
        if repeated:
            failures.append(f"asked again for {repeated}")
        results.append(TurnResult(conversation.id, number, turn.say, reply, failures,
                                  bool(FALLBACK.search(reply)), repeated))
        given |= set(turn.gives)
    return results


@dataclass
class Report:
    conversations: int
    completed: int
    turns: int
    fallbacks: int
    repeated_questions: int
    failed: list[TurnResult]

    @property
    def completion(self) -> float:
        return self.completed / self.conversations if self.conversations else 0.0

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.turns if self.turns else 0.0

    def render(self, show_failures: bool = True, show_replies: bool = False) -> str:
        lines = [f"conversations: {self.conversations}, turns: {self.turns}",
                 f"goal completion: {self.completion:.3f} ({self.completed}/{self.conversations}; goal >= "
                 f"{GOALS['completion']:.2f})",
                 f"fallback rate: {self.fallback_rate:.3f} ({self.fallbacks}/{self.turns} turns; goal <= "
                 f"{GOALS['fallback_rate']:.2f})",
                 f"questions asked again for what was said: {self.repeated_questions} (goal 0)"]
        if show_failures and self.failed:
            lines.append("turns that missed:")
            for r in self.failed:
                lines.append(f"  [{r.conversation} #{r.number}] {r.said!r}: {'; '.join(r.failures)}")
                if show_replies:
                    lines.append("      reply: " + r.reply.replace("\n", " | ")[:600])
        return "\n".join(lines)


def evaluate(conversations: list[Conversation], send: Callable[[str, str], list[str]],
             parse_of: Callable[[str], dict[str, Any]], directory: Directory) -> Report:
    turns: list[TurnResult] = []
    completed = 0
    for conversation in conversations:
        results = run_conversation(conversation, send, parse_of, directory)
        turns += results
        completed += all(not r.failures for r in results)
    return Report(len(conversations), completed, len(turns), sum(r.fallback for r in turns),
                  sum(len(r.repeated) for r in turns), [r for r in turns if r.failures])


def rest_client(rest_url: str, rasa_url: str, rest_token: str, rasa_token: str):  # type: ignore[no-untyped-def]
    """send(text, sender) -> reply texts, and parse_of(sender) -> the latest message's parse data."""
    import requests

    headers = {"Authorization": f"Bearer {rest_token}"}

    def send(text: str, sender: str) -> list[str]:
        response = requests.post(rest_url, json={"sender": sender, "message": text}, headers=headers, timeout=60)
        response.raise_for_status()
        return [m.get("text", "") for m in response.json() if m.get("text")]

    def parse_of(sender: str) -> dict[str, Any]:
        tracker = requests.get(f"{rasa_url}/conversations/rest:{sender}/tracker", params={"token": rasa_token},
                               timeout=30).json()
        return (tracker.get("latest_message") or {})

    return send, parse_of


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quiet", action="store_true", help="numbers only, not the turns that missed")
    parser.add_argument("--replies", action="store_true", help="print Harbor's reply under each turn that missed")
    parser.add_argument("--only", help="run only conversations whose id contains this")
    parser.add_argument("--dir", type=Path, default=CONVERSATIONS,
                        help="where the conversation files are (default tests/conversations; a held-out set "
                             "is run once from its own folder, tests/conversations_heldout)")
    args = parser.parse_args(argv)
    if not any(args.dir.glob("*.yml")):
        parser.error(f"no conversation files (*.yml) in {args.dir}")
    from bench.harbor_process import started_harbor

    with started_harbor() as running:
        send, parse_of = rest_client(running.rest_url, running.rasa_url, running.rest_token, running.rasa_token)
        chosen = [c for c in load(args.dir) if not args.only or args.only in c.id]
        report = evaluate(chosen, send, parse_of, Directory(running.database_url))
    print(report.render(show_failures=not args.quiet, show_replies=args.replies))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    sys.exit(main())
