"""The web chat page in real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import requests

from channels.limits import MAX_MESSAGE_CHARS, cut_notice
from harbor.core.settings import venv_executable
from tests.e2e.conftest import RunningHarbor
from tests.e2e.test_webchat_sessions import conversation_of

pytestmark = pytest.mark.e2e
HARBOR = venv_executable("harbor")


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.session_tokens = []  # what Harbor handed the page over its websocket, in order
    page.console = []

    def on_socket(ws):
        ws.on("framereceived", lambda frame: page.session_tokens.extend(
            re.findall(r'"session_confirm",\{"token":"([^"]+)"', frame if isinstance(frame, str) else "")))

    page.on("websocket", on_socket)
    page.on("console", lambda message: page.console.append(message.text))
    yield page
    context.close()


@pytest.fixture(scope="module")
def responses(domain: dict) -> dict[str, str]:
    """The replies as the web chat shows them: type and tap, not text and reply (channels/web_wording.py)."""
    from channels.web_wording import for_web

    return {name: for_web(next(v for v in variations if not v.get("condition") and not v.get("channel"))["text"])
            for name, variations in domain["responses"].items()}


def start_chat(page, harbor: RunningHarbor, query: str = "") -> None:
    page.goto(f"{harbor.rasa_url}/chat{query}")
    assert page.get_by_role("heading", name="Before you start").is_visible()
    assert "not a person" in page.locator("#notice").inner_text()
    assert "911" in page.locator("#notice").inner_text()
    page.get_by_role("button", name="I understand, start chatting").click()
    page.wait_for_function("() => document.querySelector('#status').textContent === ''")


def send(page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")


def chat_until_first_reply(page, harbor: RunningHarbor, text: str = "hi", query: str = "") -> str:
    """Open the page, send one message, wait for the bot; returns the conversation id (which
    the page itself never learns: the test reads it out of the token with Harbor's key)."""
    start_chat(page, harbor, query)
    page.wait_for_timeout(500)
    send(page, text)
    page.locator("#messages li.bot").first.wait_for(timeout=30000)
    return conversation_of(harbor, page.session_tokens[-1])


def go_offline_while(page, harbor: RunningHarbor, conversation_id: str, action: str) -> None:
    """Drop the page's network, let an advocate write `action` meanwhile, and reconnect."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", offline)
    page.wait_for_function("() => document.querySelector('#status').textContent !== ''", timeout=60000)
    pushed = requests.post(f"{harbor.rasa_url}/conversations/{conversation_id}/execute",
                           params={"token": harbor.env["HARBOR_RASA_TOKEN"], "output_channel": "latest"},
                           json={"name": action}, timeout=30)
    assert pushed.status_code == 200, pushed.text
    cdp.send("Network.emulateNetworkConditions", {**offline, "offline": False})


def test_send_a_message_and_see_the_reply(page, harbor: RunningHarbor, responses):
    chat_until_first_reply(page, harbor)
    assert page.locator("#messages li.user").inner_text() == "hi"
    assert page.locator("#messages li.bot").first.inner_text() == responses["utter_greet"]
    # It went over a websocket although connect-src is only 'self', and nothing was blocked.
    assert page.session_tokens
    assert not [line for line in page.console if "Content Security Policy" in line]


def test_nothing_is_stored_in_the_browser(page, harbor: RunningHarbor):
    chat_until_first_reply(page, harbor, "menu", "?ref=abc123")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert page.context.cookies() == []
    headers = requests.get(f"{harbor.rasa_url}/chat", timeout=10).headers
    assert "no-store" in headers["Cache-Control"] and "default-src 'self'" in headers["Content-Security-Policy"]
    assert "connect-src 'self';" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    # The session token is in the page's memory only: not in the URL, storage or cookies.
    assert page.session_tokens[-1] not in page.url


def test_quick_exit_leaves_and_back_does_not_return(page, harbor: RunningHarbor):
    neutral_start = f"{harbor.rasa_url}/version"
    page.goto(neutral_start)
    start_chat(page, harbor)
    page.keyboard.press("Escape")
    page.wait_for_url(f"{harbor.rasa_url}/")
    page.go_back()
    assert page.url == neutral_start
    page.goto(f"{harbor.rasa_url}/chat")
    page.get_by_role("button", name=re.compile("Quick exit")).click()
    page.wait_for_url(f"{harbor.rasa_url}/")


def test_an_advocates_later_message_arrives_live(page, harbor: RunningHarbor, responses):
    session_id = chat_until_first_reply(page, harbor)
    token = harbor.env["HARBOR_RASA_TOKEN"]
    pushed = requests.post(f"{harbor.rasa_url}/conversations/{session_id}/execute",
                           params={"token": token, "output_channel": "latest"},
                           json={"name": "utter_thanks"}, timeout=30)
    assert pushed.status_code == 200, pushed.text
    page.locator("#messages li.bot").nth(1).wait_for(timeout=30000)
    assert page.locator("#messages li.bot").nth(1).inner_text() == responses["utter_thanks"]


def test_missed_messages_come_back_after_a_reconnect(page, harbor: RunningHarbor, responses):
    session_id = chat_until_first_reply(page, harbor)
    url = f"{harbor.rasa_url}/chat/history"
    history = requests.get(url, params={"after": 0}, headers={"X-Harbor-Session": page.session_tokens[-1]},
                           timeout=10).json()
    assert history["messages"] == [{"text": responses["utter_greet"]}]
    # The conversation id is no key: in the URL it is refused, in the header it is no token.
    refused = requests.get(url, params={"session_id": session_id}, timeout=10)
    assert refused.status_code == 400 and responses["utter_greet"] not in refused.text
    assert requests.get(url, headers={"X-Harbor-Session": session_id}, timeout=10).status_code == 403


def test_outreach_link_counts_conversations_only(page, harbor: RunningHarbor, tmp_path):
    created = subprocess.run([HARBOR, "links", "create", "--worker", "Ana", "--campaign", "drop-in",
                              "--out", str(tmp_path), "--json"], env=harbor.env, capture_output=True, text=True,
                             timeout=60)
    assert created.returncode == 0, created.stderr
    link = json.loads(created.stdout)
    assert Path(link["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in Path(link["svg"]).read_text()
    page.goto(link["url"])
    page.get_by_role("button", name="I understand, start chatting").click()
    page.wait_for_timeout(500)
    send(page, "hi")
    page.locator("#messages li.bot").first.wait_for(timeout=30000)
    listed = subprocess.run([HARBOR, "links", "list", "--json"], env=harbor.env, capture_output=True, text=True,
                            timeout=60)
    [row] = [r for r in json.loads(listed.stdout) if r["ref"] == link["ref"]]
    assert row["conversations"] == 1 and set(row) == {"ref", "worker", "campaign", "created_at", "conversations"}


def test_a_dropped_connection_reconnects_and_catches_up(page, harbor: RunningHarbor, responses):
    session_id = chat_until_first_reply(page, harbor)
    go_offline_while(page, harbor, session_id, "utter_thanks")  # an advocate writes meanwhile
    page.locator("#messages li.bot").nth(1).wait_for(timeout=60000)
    assert page.locator("#messages li.bot").nth(1).inner_text() == responses["utter_thanks"]
    assert page.locator("#messages li.bot").count() == 2  # caught up once, not twice
    # The page presented its token and carried on in the same conversation.
    assert len(page.session_tokens) == 2 and conversation_of(harbor, page.session_tokens[-1]) == session_id
    assert page.locator("#messages li.note").count() == 0


def test_a_long_message_is_cut_with_a_notice_and_catching_up_still_works(page, harbor: RunningHarbor, responses):
    start_chat(page, harbor)
    page.wait_for_timeout(500)
    send(page, "hi " + "a" * (MAX_MESSAGE_CHARS + 500))
    page.locator("#messages li.bot").nth(1).wait_for(timeout=30000)
    assert page.locator("#messages li.bot").first.inner_text() == cut_notice()
    # The notice is not in the conversation's history; the page must not count it when it
    # asks what it missed, or the advocate's message below would be skipped.
    go_offline_while(page, harbor, conversation_of(harbor, page.session_tokens[-1]), "utter_thanks")
    page.locator("#messages li.bot").nth(2).wait_for(timeout=60000)
    assert page.locator("#messages li.bot").nth(2).inner_text() == responses["utter_thanks"]
    assert page.locator("#messages li.bot").count() == 3


def test_delete_clears_the_screen_and_starts_a_new_chat(page, harbor: RunningHarbor, responses):
    old_conversation = chat_until_first_reply(page, harbor)
    send(page, "DELETE")
    page.get_by_text(responses["utter_erase_confirm_web"]).wait_for(timeout=30000)
    send(page, "YES")
    page.get_by_text(responses["utter_erased"]).wait_for(timeout=30000)
    # Nothing of the erased conversation stays on the screen, not even "hi".
    assert page.locator("#messages li").all_inner_texts() == [responses["utter_erased"]]
    assert conversation_of(harbor, page.session_tokens[-1]) != old_conversation
    send(page, "hi")
    page.get_by_text(responses["utter_greet"]).wait_for(timeout=30000)


def test_kinds_of_help_are_buttons_that_answer_for_you(page, harbor: RunningHarbor, responses):
    chat_until_first_reply(page, harbor, text="FIND")
    food = page.get_by_role("button", name="Food", exact=True)
    food.wait_for(timeout=30000)
    assert page.locator("#messages li.choices button").count() == 12
    food.click()
    assert page.locator("#messages li.user").last.inner_text() == "Food"
    page.get_by_text(responses["utter_ask_resource_place"]).wait_for(timeout=30000)
    send(page, "Fresno")
    page.get_by_text("Here is what I found for food, near Fresno, CA.", exact=False).wait_for(timeout=30000)
    assert page.get_by_text("National Human Trafficking Hotline", exact=False).count() >= 1
