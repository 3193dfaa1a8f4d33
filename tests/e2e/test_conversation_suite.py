"""The conversations people have (tests/conversations/*.yml, written by a helper who does not tune the
data), run against the real Harbor: goal completion, fallback rate, questions asked again.

The goals (completion >= 90%, fallback <= 5% of turns, 0 questions asked again) are not met yet; this
gate holds the measured numbers (README, "Quality gates") so a change can only keep or improve them."""

from __future__ import annotations

import requests

from bench.conversations import Directory, evaluate, load
from harbor.core.settings import PROJECT_ROOT
from tests.e2e.conftest import RunningHarbor

# Measured 2026-11-26 (third session) with bench.conversations, after the retired NLU split c joined
# training: completion 23/64, fallback 6/234 turns, 2 questions asked again (was 18/64, 10, 4 at the
# session's start). Measured 2026-12-06: 34/64, 4 fallback turns, 2 repeats; 2026-12-07: 38/64, 3, 2; at the end
# of 2026-12-07 (tuned on these misses; set k and a new corpus in the risk classifier): 58/64, 4, 3. Later that
# day the two spent held-out sets joined the suite (94, then 124 conversations; 68/94 and 72/124 when they joined);
# after tuning on their misses: 88/124, 3 fallback turns of 393, 1 repeat (85/124 once the question "are you safe right
# now?" after a disclosure was kept from danger now, where the reply already says call 911; 84/124 after the
# review's fixes and a retrained risk classifier). Later still, set o's misses were read and it joined too (154
# conversations; 98/154 when it joined, set o itself 12/30 then); after tuning on them (results before the age
# question, needs said beside a disclosure, ages and roles in people's shorthand): 102/154, 3 fallback turns of 479,
# 3 repeats; 100/154, 3, 5 after a review took out two age readings that invented ages ("11. cant sleep"). Then set
# p joined unread (it had been added with the changes it measured): 105/184, 5 fallback turns of 564, 10 repeats.
# Then set q's misses were read and it joined (214 conversations; set q 10/30 as it came); after tuning on them
# (a professional's shorthand, an area, a correction, another kind of help in a few words, someone to talk to near a
# place): 120/214 (set q itself 14/30, the rest 106/184), 6 fallback turns of 649, 10 repeats; 124/214, 6, 10 once
# a disclosure or a caregiver's question keeps the kind of help for a place said next and more ages were read;
# 123/214, 6, 10 after a review narrowed the add-on search (never over "im safe", thanks or a known question).
# Then held-out set r joined unread (it had been added with the changes it measured; 14/30 on its one run) and the
# risk classifier was retrained with risk sets s and t: 135/244, 6 fallback turns of 734, 16 repeats.
# On 2026-12-08, with three new questions, a review's mends and the classifier retrained with risk set u: 144/244,
# 6 fallback turns, 9 repeats; then held-out set s joined unread (it had measured the state before those changes;
# 14/30 on its one run): 147/274, 8 fallback turns of 821, 15 repeats. Then held-out set t joined unread too (the
# change since the last landed review had touched held-out sets with rules and data; 11/30 on its one run) and the
# classifier was retrained with risk set v: 160/304 (set t 11/30), 11 fallback turns of 907, 20 repeats.
# Later on 2026-12-08 (three new questions, Spanish searches for any kind of help, the review's mends): 192/304, 6
# fallback turns, 11 repeats; then held-out set u joined unread (the day's changes made its number stale; 11/30 on its
# one run) and the classifier was retrained with risk set w: 204/334, 9 fallback turns of 992, 12 repeats. Then
# held-out set v joined unread too (9/30 on its one run; the day's change as a whole had touched held-out sets with
# rules and data) and NLU split e and risk set x went to training: 209/364, 9 fallback turns of 1076, 14 repeats.
# A model trained from scratch may differ a little (the response selector is a neural
# net): slack of three conversations, two fallback turns, two repeats.
MIN_COMPLETED = 206
MAX_FALLBACKS = 11
MAX_REPEATED = 16
HELDOUT = PROJECT_ROOT / "tests" / "conversations_heldout"


# The held-out set (tests/conversations_heldout/README.md), set w, 2026-12-08: 19/30, 1 fallback turn of 85,
# 0 repeats. Only a hard floor (half the measured completion), so it catches a collapse without becoming a
# number to tune toward; only numbers are printed, so a failure shows no conversation.
HELDOUT_MIN_COMPLETED = 9
HELDOUT_MAX_FALLBACKS = 4
HELDOUT_MAX_REPEATED = 3


def _client(harbor: RunningHarbor):  # type: ignore[no-untyped-def]
    def send(text: str, sender: str) -> list[str]:
        harbor.said.append(text)
        return [t for t in harbor.texts(text, sender) if t]

    def parse_of(sender: str) -> dict:
        tracker = requests.get(f"{harbor.rasa_url}/conversations/rest:{sender}/tracker",
                               params={"token": harbor.env["HARBOR_RASA_TOKEN"]}, timeout=30).json()
        return tracker.get("latest_message") or {}

    return send, parse_of


def test_the_conversation_suite(harbor: RunningHarbor):
    send, parse_of = _client(harbor)
    conversations = load()
    assert len(conversations) >= 360
    report = evaluate(conversations, send, parse_of, Directory(harbor.env["DATABASE_URL"]))
    print(report.render())
    assert report.completed >= MIN_COMPLETED, report.render()
    assert report.fallbacks <= MAX_FALLBACKS, report.render()
    assert report.repeated_questions <= MAX_REPEATED, report.render()


def test_the_held_out_conversations(harbor: RunningHarbor):
    send, parse_of = _client(harbor)
    conversations = load(HELDOUT)
    assert len(conversations) >= 30
    report = evaluate(conversations, send, parse_of, Directory(harbor.env["DATABASE_URL"]))
    numbers = report.render(show_failures=False)
    print(numbers)
    assert report.completed >= HELDOUT_MIN_COMPLETED, numbers
    assert report.fallbacks <= HELDOUT_MAX_FALLBACKS, numbers
    assert report.repeated_questions <= HELDOUT_MAX_REPEATED, numbers
