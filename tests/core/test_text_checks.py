from harbor.core.text_checks import has_words


def test_words_in_any_script():
    for text in ["hi", "911", "necesito ayuda", "\u6211\u9700\u8981\u5e2e\u52a9"]:
        assert has_words(text)


def test_no_words():
    for text in [None, "", "   ", "?!...", "\U0001F62D\U0001F62D", "\n\t"]:
        assert not has_words(text)
