// One escalation, live: the transcript (the youth's replies appear while you write), the level and
// who holds the conversation come as a `transcript` event whenever they change.
(function () {
  "use strict";
  const section = document.getElementById("escalation");
  if (!section) return;
  const list = document.getElementById("transcript");
  const names = { youth: "Youth", bot: "Harbor", advocate: "Advocate", event: "Note" };

  const canned = document.getElementById("canned");
  const message = document.getElementById("message");
  if (canned && message) {
    canned.addEventListener("change", function () {
      if (canned.value) message.value = canned.value;
      message.focus();
    });
  }

  for (const button of document.querySelectorAll("button.use")) {
    button.addEventListener("click", function () {
      if (!message) return;
      message.value = (message.value ? message.value + " " : "") + button.dataset.text;
      message.focus();
    });
  }

  function item(turn) {
    const li = document.createElement("li");
    li.className = turn.speaker;
    const who = document.createElement("span");
    who.className = "speaker";
    who.textContent = names[turn.speaker] || turn.speaker;
    const at = document.createElement("time");
    at.textContent = turn.at;
    const text = document.createElement("p");
    text.textContent = turn.text;
    li.append(who, at, text);
    if (turn.signals && turn.signals.length) {
      const signals = document.createElement("ul");
      signals.className = "signals";
      for (const s of ["level " + turn.level].concat(turn.signals)) {
        const entry = document.createElement("li");
        entry.textContent = s;
        signals.appendChild(entry);
      }
      li.appendChild(signals);
    }
    return li;
  }

  function pending(message) {
    const li = document.createElement("li");
    li.className = "advocate pending";
    li.textContent = "Advocate (" + (message.status === "failed" ? "not delivered" : "sending") + "): " + message.text;
    return li;
  }

  const source = new EventSource("/escalations/" + section.dataset.id + "/stream");
  source.addEventListener("transcript", function (event) {
    const data = JSON.parse(event.data);
    list.replaceChildren(...data.turns.map(item), ...data.undelivered.map(pending));
    document.getElementById("no-messages").hidden = data.turns.length > 0;
    document.getElementById("level").textContent = data.level;
    document.getElementById("status").textContent = data.status;
  });
})();
