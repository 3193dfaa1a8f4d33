from harbor.core.gsm7 import is_gsm7, non_gsm7_characters, septet_length, to_gsm7


def test_plain_ascii_is_gsm7():
    assert is_gsm7("Call 1-888-373-7888 or text 233733. It's OK!")


def test_curly_quotes_and_emoji_are_not():
    assert not is_gsm7("It\u2019s ok \U0001F600")
    assert non_gsm7_characters("It\u2019s \U0001F600") == sorted({"\u2019", "\U0001F600"})


def test_conversion_keeps_meaning():
    assert to_gsm7("It\u2019s \u201cfine\u201d \u2014 really\u2026") == "It's \"fine\" - really..."
    assert to_gsm7("caf\u00e9 Z\u00fcrich") == "caf\u00e9 Z\u00fcrich"  # both are in GSM-7
    assert to_gsm7("\u0141\u00f3d\u017a \U0001F600") == "Lodz "


def test_extension_characters_cost_two_septets():
    assert septet_length("a[b]") == 6
