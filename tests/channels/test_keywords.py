import pytest

from channels.keywords import keyword


@pytest.mark.parametrize("body, expected", [
    ("STOP", "stop"), (" stop ", "stop"), ("Stop All", "stop"), ("unsubscribe", "stop"), ("OPT OUT", "stop"),
    ("start", "start"), ("UNSTOP", "start"), ("yes", "start"), ("HELP", "help"), ("info ", "help"),
])
def test_whole_message_keywords_case_and_spaces_ignored(body, expected):
    assert keyword(body) == expected


@pytest.mark.parametrize("body", ["please stop", "help me", "stop it he's hurting me", "", None, "yes please"])
def test_keywords_inside_a_sentence_are_not_keywords(body):
    assert keyword(body) is None
