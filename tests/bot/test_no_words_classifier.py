from rasa.shared.nlu.training_data.message import Message

from bot.nlu.no_words import NoWordsClassifier


def _classify(text: str, prior: str = "more") -> str:
    message = Message(data={"text": text, "intent": {"name": prior, "confidence": 0.6}})
    NoWordsClassifier().process([message])
    return message.get("intent")["name"]


def test_messages_without_words_get_no_words():
    for text in ["", "  ", "?!...", "\U0001F62D\U0001F62D", ":("]:
        assert _classify(text) == "no_words"


def test_messages_with_words_keep_their_intent():
    for text in ["more", "ok 2", "\u6211\u9700\u8981\u5e2e\u52a9"]:
        assert _classify(text) == "more"
