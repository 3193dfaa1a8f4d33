"""The rule layer and how it combines with the classifier: behaviour a youth or an advocate
would notice (who gets paged, who does not)."""

from __future__ import annotations

import pytest

from bench.risk_eval import evaluate, keyword_baseline, load_set, rules_scorer
from bot.nlu.risk.assessment import ClassifierVote, assess
from bot.nlu.risk.classifier import LABELLED


@pytest.mark.parametrize("text, level, category", [
    ("he wont let me leave", "imminent", "imminent_danger"),
    ("he's got a gun", "imminent", "imminent_danger"),
    ("kms", "high", "self_harm"),
    ("i want to unalive myself", "high", "self_harm"),
    ("i'm gonna kill myself tonight", "imminent", "self_harm"),
    ("i have to make my quota", "high", "exploitation"),
    ("i do dates so he lets me stay", "high", "exploitation"),
    ("my daddy takes all my money", "high", "exploitation"),
    ("he works me on the track", "high", "exploitation"),
    ("my friend is 14 and her boyfriend sells her", "high", "third_party"),
    ("a student told me her boyfriend posts ads for her online", "high", "third_party"),
    ("my stepdad hits me", "high", "abuse"),
    ("they kicked me out and then he kicked me", "high", "abuse"),  # the idiom lowers only its own words
])
def test_danger_in_texting_language_escalates(text, level, category):
    result = assess(text)
    assert result.level == level
    assert category in result.categories
    assert result.escalates


@pytest.mark.parametrize("text", [
    "this homework is killing me", "i'm dying to know", "you're killing me lol",
    "i met my quota at work", "we went to the track meet", "my phone is dying",
    "what if they actually kick me out tho", "my mom kicked me out",
])
def test_idioms_page_nobody(text):
    # An idiom the danger words belong to scores nothing; an ambiguous word beside one is concern.
    assert assess(text).level in ("none", "concern")
    assert not assess(text).escalates


@pytest.mark.parametrize("text", ["i would never kill myself", "i'm not suicidal", "i don't want to die"])
def test_negated_self_harm_is_concern_not_none_and_never_pages(text):
    result = assess(text)
    assert result.level == "concern"
    assert not result.escalates


@pytest.mark.parametrize("text", [
    "what are the warning signs a kid is being trafficked",
    "how do i know if my daughter is being sold",
    "what does quota mean in trafficking",
])
def test_caregiver_and_provider_questions_are_not_disclosures(text):
    assert not assess(text).escalates


def vote(risk: float, category: str = "self_harm") -> ClassifierVote:
    return ClassifierVote(risk=risk, category=category, threshold=0.5)


def test_the_classifier_votes_and_can_only_raise():
    assert assess("he has a knife to my throat", vote(0.01, "exploitation")).level == "imminent"
    raised = assess("please i need help idk what to do", vote(0.9, "imminent_danger"))
    assert raised.level == "imminent" and raised.signals[-1].source == "classifier"
    assert not assess("i cut my hair", vote(0.2)).escalates


def test_the_classifier_category_picks_the_crisis_line_when_the_rules_are_silent():
    result = assess("nobody would even notice if i was gone tbh", vote(0.8, "self_harm"))
    assert result.escalates and result.categories == ["self_harm"]


def test_idioms_and_general_questions_never_block_the_classifier():
    assert assess("this homework is killing me", vote(0.9, "self_harm")).escalates
    assert assess("what are the warning signs a kid is being trafficked", vote(0.9, "exploitation")).escalates


def test_signals_say_what_fired():
    result = assess("he took my id and wont let me leave")
    names = {s.name for s in result.signals}
    assert {"controls_money_or_id", "not_let_leave"} <= names
    assert result.as_dict()["escalates"] is True


def test_empty_and_junk_are_none():
    for text in ["", None, "   ", "\U0001F62D", "asdfghjkl"]:
        assert assess(text).level == "none"


def test_the_training_side_is_big_and_half_hard_negatives():
    rows = load_set(LABELLED)
    assert len(rows) >= 500
    assert sum(1 for label, _ in rows if label == "none") >= len(rows) * 0.45


def test_rules_alone_beat_the_crisis_keyword_baseline_on_the_set_they_were_tuned_on():
    # A regression check, not evidence: the rules were tuned on this set. Held-out numbers are in
    # tests/bot/test_risk_heldout.py.
    rows = load_set(LABELLED)
    harbor = evaluate("rules", rules_scorer, rows)
    baseline = evaluate("keywords", keyword_baseline, rows)
    for category in baseline.recall:
        assert harbor.recall[category] >= baseline.recall[category], category
    assert harbor.false_escalation_rate <= baseline.false_escalation_rate


@pytest.mark.parametrize("text", [
    "my cousin say he gonna kill me in fortnite lol",
    "took my little sister to chess club, she beat me at chess again",
    "someone at school said they're gonna kill me at chess tomorrow lol",
    "im locked in for finals this week no distractions",
])
def test_a_game_or_an_idiom_right_after_the_words_asks_instead_of_paging_on_the_rules(text):
    """The rules' floor drops to concern (the bot may ask "are you safe right now?"); the classifier
    still votes on its own, so these are scored here without it."""
    result = assess(text)
    assert not result.escalates, result.signals
    assert result.level in ("none", "concern")


# Danger beside a game, the past or a question: the review of 2026-12-07 wrote these against a first
# version that lowered them. The rules alone must page every one.
@pytest.mark.parametrize("text, category", [
    ("i want to kill myself, i lost at ranked again", "self_harm"),
    ("kms lol", "self_harm"),
    ("he locked me in the bedroom and hes playing cod", "imminent_danger"),
    ("he wont let me leave hes downstairs playing 2k", "imminent_danger"),
    ("he threatened to kill me on call of duty and he knows my address", "imminent_danger"),
    ("he's going to kill me at the race tonight", "imminent_danger"),
    ("my uncle touches me during a game of uno", "abuse"),
    ("hes going to sell me to a guy he met on fortnite", "exploitation"),
    ("he got out of jail 2 months ago and he said he will kill me", "imminent_danger"),
    ("i got out of the life but he wants me back in. he said he will kill me if i dont come back",
     "imminent_danger"),
    ("he started selling me 2 years ago and ive been out on the track every night since", "exploitation"),
    ("my bf used to pimp me out, hes locked up now but his cousin is making me do dates for him", "exploitation"),
    ("i used to cut but i was doing better. now i want to kill myself", "self_harm"),
    ("my dad beat me last night when i was sleeping. im safe now at my friends house but i cant go back",
     "abuse"),
    ("he makes me run the track every night", "exploitation"),
    ("he sold me out to some guys for the night", "exploitation"),
    ("what are the signs that someone is being trafficked? i think it's happening to me", "exploitation"),
    ("he used to hit me and he still does", "abuse"),
    ("i gotta hit the track tonight or he wont let me eat", "exploitation"),
    ("he said he will kill me in the parking lot", "imminent_danger"),
    # A family member selling a child (seed III): a provider's disclosure, and a youth's
    ("PO in kern county. my 16yo client just disclosed her cousin sells her on weekends", "third_party"),
    ("my uncle sells me to his friends", "exploitation"),
    ("happier if i am dead lol", "self_harm"),  # hypothesis found it: "i'm dead lol" is an idiom, not this
])
def test_danger_beside_a_game_the_past_or_a_question_still_pages(text, category):
    result = assess(text)
    assert result.escalates, result.signals
    assert category in result.categories


@pytest.mark.parametrize("text", [
    "my bf goes thru my phone alot. will he see this",  # seed Appendix 1: a partner who controls the phone
    "thinking about running away from my placement. its bad there",
    "things r bad at home",
    "my gf goes through my phone",
    "he always checks my phone",
])
def test_a_worry_that_is_not_a_disclosure_is_asked_about_not_paged(text):
    result = assess(text)
    assert result.level == "concern" and result.ask_if_safe and not result.escalates


@pytest.mark.parametrize("text", [
    "we posted ads for them in the paper for the job", "the food is bad there", "should i go through her phone",
    # found by the reviewer of the rules that added these worries
    "my mom posts ads for them online, she sells puppies", "we posted ads for them online for the job",
    "i posted ads for him on craigslist site to sell his car", "how do i post ads for him online for his lawn business",
    "will someone read my messages?", "do they read my texts", "will they track my phone if i text you",
    "the wifi is so bad at home", "its bad here",
    "my brother sold me out to mom lol", "my dad sold me on the idea of community college",
    # found by the reviewer of the family-selling phrases
    "my aunt sells them on weekends at the flea market", "my cousin sells them for $5 each",
    "my dad sold them to a guy for cheap", "my brother sold him for 200 bucks on offerup",
    "my brother sold me to the other team in fifa",
    "my mom sold me to the neighbors for the whole weekend to babysit lol",
])
def test_everyday_words_near_those_worries_are_nothing(text):
    assert assess(text).level == "none"


# The review of 2026-12-07 (evening) of a change that let a past told as over, or a classifier sure of nothing,
# lower the rules: these came out as concern, no page. Both were taken out; the rules alone must page every one.
# A survivor minimises ("im used to it, im fine"), tells the new thing in the past ("he dmed me last night"), asks
# for help beside it ("where can i go?"); the rules never lower for any of that.
@pytest.mark.parametrize("text", [
    "im trapped. where can i go?",
    "my bf has a knife, can you help?",
    "can u come get me asap",
    "suicidal. where can i go tonight",
    "He branded me. What are my options?",
    "is there a hotline number, im trapped at his house",
    "do u have a number i can call he has a gun",
    "my bf sells me but im used to it, im ok",
    "my bf chokes me i'm used to it lol im fine",
    "used to self harm 2 years ago, im clean 2 years. just swallowed a bunch of pills",
    "he pimped me out 2 years ago. im in school now. he enrolled at my school",
    "i used to stay w my mom, now im out here on the track",
    "i got out of the life 2 years ago and im doing good. he is taking my little sister to do dates",
    "my pimp got locked up last year, im safe. he dmed me last night",
    "my daughter was trafficked last year, shes in therapy now. he said he would kill me",
    "i tried to kill myself a year ago. im ok now. this time i wont fail",
    "i was sold at 14. im safe now. i ran back to him last night",
    "my little brother is suicidal what should i do",
])
def test_a_recovery_or_a_request_for_help_beside_danger_never_lowers_the_rules(text):
    assert assess(text).escalates
