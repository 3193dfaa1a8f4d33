"""The fallback's second stage: search every answer Harbor has, and the examples people wrote for it,
with SQLite's full-text search (FTS5, ranked by BM25), so a message the classifier could not place
still reaches the answer that shares its words. Plain Python; the index is built in memory once.

An answer counts only when the message shares at least MIN_SHARED_WORDS content words with the
answer or one of its examples: one common word ("help", "place") is not enough to answer with.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parent / "data" / "nlu"
MIN_SHARED_WORDS = 2
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "am", "as", "at", "be", "but", "by", "can", "could", "do", "does", "for", "from",
    "get", "got", "have", "how", "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "so",
    "that", "the", "them", "there", "they", "this", "to", "u", "ur", "was", "we", "what", "when", "where",
    "which", "who", "why", "will", "with", "would", "you", "your", "im", "i'm", "dont", "don't", "pls",
    "please", "hi", "hey", "ok", "yes", "no", "just", "like", "really", "know", "need", "want",
))
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Found:
    response: str  # utter_<intent> or utter_faq/<key>
    shared_words: int


# Intents whose answer is not named after them (bot/data/rules/general.yml).
ANSWER_OF = {"ask_crisis_numbers": "utter_crisis_numbers"}


def response_for(intent: str) -> str:
    return ANSWER_OF.get(intent, f"utter_{intent}")


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]


def _nlu_examples(nlu_dir: Path) -> Iterable[tuple[str, str]]:
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block.get("examples", "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    yield block["intent"], text


class AnswerIndex:
    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE answers USING fts5(response UNINDEXED, body)")
        self.db.executemany("INSERT INTO answers VALUES (?, ?)", rows)

    def search(self, text: str) -> Found | None:
        words = sorted(set(content_words(text)))
        if len(words) < MIN_SHARED_WORDS:
            return None
        query = " OR ".join(f'"{w}"' for w in words)
        rows = self.db.execute("SELECT response, body FROM answers WHERE answers MATCH ? ORDER BY bm25(answers) "
                               "LIMIT 20", (query,)).fetchall()
        for response, body in rows:
            shared = len(set(content_words(body)) & set(words))
            if shared >= MIN_SHARED_WORDS:
                return Found(response, shared)
        return None


def build_index(responses: dict[str, object], answerable: set[str], nlu_dir: Path = NLU_DIR) -> AnswerIndex:
    """Rows: each answerable response's first-page text, and every training example of its intent."""
    rows: list[tuple[str, str]] = []
    for name in answerable:
        variants = responses.get(name) or []
        for variant in variants if isinstance(variants, list) else []:
            if isinstance(variant, dict) and variant.get("text") and not variant.get("condition"):
                rows.append((name, str(variant["text"])))
    for intent, text in _nlu_examples(nlu_dir):
        if response_for(intent) in answerable:
            rows.append((response_for(intent), text))
    return AnswerIndex(rows)
