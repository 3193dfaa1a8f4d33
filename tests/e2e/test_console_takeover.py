"""Taking a conversation over, for real, on both channels: the advocate claims and takes over in the
console, the bot goes silent while the youth's messages still reach the console (scored for risk),
the advocate's message reaches the youth on their own channel, and after hand back the bot answers."""

from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
import requests

from tests.e2e.conftest import CONSOLE_PASSWORD, FakeTwilio, RunningHarbor
from tests.e2e.test_console_browser import sign_in
from tests.e2e.test_escalation import escalations_for, wait_for
from tests.e2e.test_sms_ack import post_sms
from tests.e2e.test_webchat_browser import send, start_chat

pytestmark = pytest.mark.e2e
YOUTH = "+15105550177"
QUIET_SECONDS = 4.0  # long enough for the bot to have answered, were it going to


def console_client(harbor: RunningHarbor, user: dict) -> tuple[requests.Session, str]:
    client = requests.Session()
    login = client.get(f"{harbor.console_url}/login", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', login).group(1)
    signed = client.post(f"{harbor.console_url}/login", timeout=10, data={
        "csrf": csrf, "username": user["username"], "password": CONSOLE_PASSWORD,
        "code": pyotp.TOTP(user["secret"]).now()})
    assert signed.status_code == 200 and "Open escalations" in signed.text
    return client, re.search(r'name="csrf" value="([^"]+)"', signed.text).group(1)


def act(client: requests.Session, harbor: RunningHarbor, csrf: str, escalation_id: int, action: str, **form: str):
    done = client.post(f"{harbor.console_url}/escalations/{escalation_id}/{action}", timeout=10,
                       data={"csrf": csrf, **form}, allow_redirects=False)
    assert done.status_code == 303, done.text


def texts_to(fake: FakeTwilio, number: str) -> list[str]:
    return [m["body"] for m in fake.messages() if m["to"] == number]


def test_an_sms_conversation_taken_over_and_handed_back(harbor: RunningHarbor, fake_twilio: FakeTwilio,
                                                        supervisor: dict):
    def text(body: str) -> None:
        assert post_sms(harbor, {"From": YOUTH, "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}).status_code == 200

    text("he took my id and he wont let me leave the house")
    [escalation] = wait_for(lambda: escalations_for(harbor, YOUTH), 30, "the escalation")
    wait_for(lambda: texts_to(fake_twilio, YOUTH), 30, "the bot's crisis reply")
    client, csrf = console_client(harbor, supervisor)
    act(client, harbor, csrf, escalation["id"], "claim")
    act(client, harbor, csrf, escalation["id"], "takeover")

    answered = len(texts_to(fake_twilio, YOUTH))
    text("is this a real person? he might come back soon")
    page_url = f"{harbor.console_url}/escalations/{escalation['id']}"
    wait_for(lambda: "is this a real person" in client.get(page_url, timeout=10).text, 30,
             "the youth's message in the console")
    time.sleep(QUIET_SECONDS)
    assert len(texts_to(fake_twilio, YOUTH)) == answered, "the bot answered a conversation an advocate holds"

    act(client, harbor, csrf, escalation["id"], "message", text="Yes. I'm Sue, an advocate. Are you safe right now?")
    wait_for(lambda: "Yes. I'm Sue, an advocate. Are you safe right now?" in texts_to(fake_twilio, YOUTH), 30,
             "the advocate's text at the youth's phone")
    # The provider has the text a moment before the outbox records it as sent: the console may say
    # "sending" for that moment, then shows it as the advocate's turn.
    wait_for(lambda: (lambda page: 'class="advocate"' in page and "sending" not in page)(
        client.get(page_url, timeout=10).text), 30, "the advocate's text shown as sent in the console")

    act(client, harbor, csrf, escalation["id"], "handback")
    answered = len(texts_to(fake_twilio, YOUTH))
    text("menu")
    wait_for(lambda: len(texts_to(fake_twilio, YOUTH)) > answered, 30, "the bot's answer after hand back")
    act(client, harbor, csrf, escalation["id"], "close", disposition="safety_plan")


def test_a_web_chat_taken_over_stays_silent_even_after_restart_and_its_quick_exit_shows(
        browser, harbor: RunningHarbor, supervisor: dict):
    console = browser.new_context().new_page()
    sign_in(console, harbor, supervisor)
    known = set(console.locator("#queue tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)"))
    youth = browser.new_context().new_page()
    start_chat(youth, harbor)
    send(youth, "my boyfriend sells me and he took my phone")
    youth.locator("#messages li.bot").first.wait_for(timeout=30000)
    console.wait_for_function(
        "known => [...document.querySelectorAll('#queue tbody tr')].some(r => !known.includes(r.dataset.id))",
        arg=sorted(known), timeout=30000)
    row = next(r for r in console.locator("#queue tbody tr").all() if r.get_attribute("data-id") not in known)
    row.get_by_role("link").click()
    console.get_by_role("button", name="Claim (stops the pages)").click()
    console.get_by_role("button", name="Take over (the bot goes silent)").click()
    assert "the bot is silent" in console.locator("#takeover-state").inner_text()

    bot_turns = youth.locator("#messages li.bot").count()
    # "/restart" and "/session_start" are what a restart and a new Rasa session would run: neither ends the hold.
    for said in ("hello?? is anyone there", "/restart", "/session_start"):
        send(youth, said)
    console.locator("#transcript li.youth", has_text="hello?? is anyone there").wait_for(timeout=30000)
    youth.wait_for_timeout(QUIET_SECONDS * 1000)
    assert youth.locator("#messages li.bot").count() == bot_turns, "the bot answered while an advocate holds it"

    console.get_by_label("Start from a vetted line").select_option(label="National Human Trafficking Hotline")
    assert "1-888-373-7888" in console.get_by_label(re.compile("Message to the youth")).input_value()
    console.get_by_label(re.compile("Message to the youth")).fill("I'm Sue, a real person. Are you safe to chat?")
    console.get_by_role("button", name="Send").click()
    youth.locator("#messages li.bot", has_text="I'm Sue, a real person").wait_for(timeout=30000)
    console.locator("#transcript li.advocate", has_text="I'm Sue, a real person").wait_for(timeout=30000)

    console.get_by_role("button", name="Hand back to the bot").click()
    bot_turns = youth.locator("#messages li.bot").count()
    send(youth, "menu")
    youth.wait_for_function(f"() => document.querySelectorAll('#messages li.bot').length > {bot_turns}",
                            timeout=30000)

    youth.get_by_role("button", name=re.compile("Quick exit")).click()
    console.locator("#transcript li.event", has_text="Left the page (Quick exit)").wait_for(timeout=30000)
