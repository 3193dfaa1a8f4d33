// Harbor web chat. Nothing is written to localStorage, sessionStorage or cookies: the
// session token Harbor issued lives in this variable only, and is gone when the page is.
// The page never names its conversation; the server decides it from the token.
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-exit-url") || "https://www.weather.gov/";
  var ref = new URLSearchParams(window.location.search).get("ref");
  var sessionToken = null;
  var botCount = 0;  // bot messages shown that the server keeps (what /chat/history indexes)
  var socket = null;

  function quickExit() {
    // One last beacon (it outlives the page), so an advocate on this conversation sees that you left.
    try {
      if (sessionToken && navigator.sendBeacon) {
        navigator.sendBeacon("/chat/left", new Blob([JSON.stringify({ token: sessionToken })],
                                                    { type: "application/json" }));
      }
    } catch (e) { /* leaving anyway */ }
    try { if (socket) { socket.disconnect(); } } catch (e) { /* leaving anyway */ }
    document.title = "";
    document.body.innerHTML = "";
    window.location.replace(exitUrl);  // replace: Back does not come back here
  }
  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { quickExit(); }
  });

  var list = document.getElementById("messages");
  var status = document.getElementById("status");

  function show(text, who) {
    var item = document.createElement("li");
    item.className = who;
    item.textContent = text;  // never innerHTML: messages are text
    list.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function showChoices(choices) {
    // Rasa's socket.io channel sends a response's buttons as quick_replies.
    var item = document.createElement("li");
    item.className = "choices";
    choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = choice.title;
      button.addEventListener("click", function () { send(choice.payload, choice.title); });
      item.appendChild(button);
    });
    list.appendChild(item);
  }

  function showBot(message) {
    if (message && message.text) {
      // "local" messages (a long message was cut, DELETE) are Harbor's own, not kept: not counted.
      if (!message.local) { botCount += 1; }
      show(message.text, "bot");
      var choices = message.quick_replies || message.buttons;
      if (choices && choices.length) { showChoices(choices); }
    }
  }

  function catchUp() {
    // After a reconnect, fetch the bot messages this page missed while offline. The token goes
    // in a header, never the URL (URLs end up in logs and history).
    if (!sessionToken) { return; }
    var after = botCount;
    fetch("/chat/history?after=" + after,
          { cache: "no-store", credentials: "omit", headers: { "X-Harbor-Session": sessionToken } })
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (data) {
        // Messages that arrived live while we asked are already shown: skip them.
        (data.messages || []).slice(botCount - after).forEach(showBot);
      })
      .catch(function () { /* try again on the next reconnect */ });
  }

  function note(text) {
    var item = document.createElement("li");
    item.className = "note";
    item.textContent = text;
    list.appendChild(item);
  }

  function connect() {
    socket = io({ path: "/socket.io", transports: ["websocket", "polling"], withCredentials: false });
    socket.on("connect", function () {
      status.textContent = "";
      // First time: no token, Harbor starts a conversation. After a reconnect: the token, to
      // carry on the same conversation.
      socket.emit("session_request", { token: sessionToken });
    });
    socket.on("session_confirm", function (confirm) {
      if (!confirm || typeof confirm.token !== "string") { return; }
      var reconnecting = sessionToken !== null;
      sessionToken = confirm.token;
      if (confirm.erased) {
        // DELETE confirmed: nothing of the erased conversation stays on the screen either.
        list.innerHTML = "";
        botCount = 0;
      } else if (reconnecting && confirm.resumed) {
        catchUp();
      } else if (reconnecting) {
        botCount = 0;
        note("This is a new chat: the earlier one could not be reopened (it had been quiet for a day, or it ended).");
      }
      while (waiting.length) { emit(waiting.shift()); }
    });
    socket.on("bot_uttered", showBot);
    socket.on("disconnect", function () { status.textContent = "Connection lost. Reconnecting..."; });
  }

  document.getElementById("start").addEventListener("click", function () {
    document.getElementById("notice").hidden = true;
    document.getElementById("chat").hidden = false;
    document.getElementById("text").focus();
    connect();
  });

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("text");
    if (send(input.value.trim())) { input.value = ""; }
  });

  var waiting = [];  // typed before Harbor confirmed the session: sent as soon as it does

  function emit(text) {
    socket.emit("user_uttered", { message: text, metadata: ref ? { ref: ref } : {} });
  }

  function send(text, shown) {
    if (!text || !socket) { return false; }
    show(shown || text, "user");
    if (sessionToken) { emit(text); } else { waiting.push(text); }
    return true;
  }
})();
