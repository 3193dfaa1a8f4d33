"""The web chat page in real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import RunningHarbor

pytestmark = pytest.mark.e2e
CHROMIUM = Path("/usr/bin/chromium")
# Flags for a closed network and running as root; no profile is kept between runs.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
HARBOR = str(Path(sys.executable).with_name("harbor"))


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.session_ids = []

    def on_socket(ws):
        ws.on("framereceived", lambda frame: page.session_ids.extend(
            re.findall(r'"session_confirm","([0-9a-f]{32})"', frame if isinstance(frame, str) else "")))

    page.on("websocket", on_socket)
    yield page
    context.close()


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
    """Open the page, send one message, wait for the bot; returns the conversation id."""
    start_chat(page, harbor, query)
    page.wait_for_timeout(500)
    send(page, text)
    page.locator("#messages li.bot").first.wait_for(timeout=30000)
    return page.session_ids[-1]


def test_send_a_message_and_see_the_reply(page, harbor: RunningHarbor, responses):
    chat_until_first_reply(page, harbor)
    assert page.locator("#messages li.user").inner_text() == "hi"
    assert page.locator("#messages li.bot").first.inner_text() == responses["utter_greet"]


def test_nothing_is_stored_in_the_browser(page, harbor: RunningHarbor):
    chat_until_first_reply(page, harbor, "menu", "?ref=abc123")
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert page.context.cookies() == []
    headers = requests.get(f"{harbor.rasa_url}/chat", timeout=10).headers
    assert "no-store" in headers["Cache-Control"] and "default-src 'self'" in headers["Content-Security-Policy"]


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
    history = requests.get(f"{harbor.rasa_url}/chat/history", params={"session_id": session_id, "after": 0},
                           timeout=10).json()
    assert history["messages"] == [{"text": responses["utter_greet"]}]
    assert requests.get(f"{harbor.rasa_url}/chat/history", params={"session_id": "nope"}, timeout=10).status_code == 404


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
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", offline)
    page.wait_for_function("() => document.querySelector('#status').textContent !== ''", timeout=60000)
    # An advocate writes while the page is offline.
    requests.post(f"{harbor.rasa_url}/conversations/{session_id}/execute",
                  params={"token": harbor.env["HARBOR_RASA_TOKEN"], "output_channel": "latest"},
                  json={"name": "utter_thanks"}, timeout=30)
    cdp.send("Network.emulateNetworkConditions", {**offline, "offline": False})
    page.locator("#messages li.bot").nth(1).wait_for(timeout=60000)
    assert page.locator("#messages li.bot").nth(1).inner_text() == responses["utter_thanks"]
    assert page.locator("#messages li.bot").count() == 2  # caught up once, not twice


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
