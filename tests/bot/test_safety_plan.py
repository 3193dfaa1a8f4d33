from bot.safety_plan_answers import MAX_ANSWER_CHARS, SKIPPED, clean_answer
from harbor.core.gsm7 import is_gsm7


def test_answers_are_kept():
    assert clean_answer("  my aunt's house ") == "my aunt's house"


def test_skip_words_and_empty_become_skipped():
    for raw in ["skip", "SKIP", "idk", "I don't know.", "", None, "   "]:
        assert clean_answer(raw) == SKIPPED


def test_long_answers_are_cut():
    answer = clean_answer("a" * 500)
    assert len(answer) == MAX_ANSWER_CHARS and answer.endswith("...")


def test_answers_become_gsm7():
    assert is_gsm7(clean_answer("Tasha\u2019s \U0001F60A place"))
