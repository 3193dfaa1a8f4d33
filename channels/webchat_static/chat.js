// Harbor web chat. Nothing is written to localStorage, sessionStorage or cookies: the
// conversation id lives in this variable only, and is gone when the page is.
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-exit-url") || "https://www.weather.gov/";
  var ref = new URLSearchParams(window.location.search).get("ref");
  var sessionId = null;
  var botCount = 0;
  var socket = null;

  function quickExit() {
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
      botCount += 1;
      show(message.text, "bot");
      var choices = message.quick_replies || message.buttons;
      if (choices && choices.length) { showChoices(choices); }
    }
  }

  function catchUp() {
    // After a reconnect, fetch the bot messages this page missed while offline.
    if (!sessionId) { return; }
    fetch("/chat/history?session_id=" + encodeURIComponent(sessionId) + "&after=" + botCount,
          { cache: "no-store", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (data) { (data.messages || []).forEach(showBot); })
      .catch(function () { /* try again on the next reconnect */ });
  }

  function connect() {
    socket = io({ path: "/socket.io", transports: ["websocket", "polling"], withCredentials: false });
    socket.on("connect", function () {
      status.textContent = "";
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function (id) {
      var reconnecting = sessionId !== null;
      sessionId = id;
      if (reconnecting) { catchUp(); }
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

  function send(text, shown) {
    if (!text || !socket || !sessionId) { return false; }
    show(shown || text, "user");
    socket.emit("user_uttered", { message: text, session_id: sessionId, metadata: ref ? { ref: ref } : {} });
    return true;
  }
})();
