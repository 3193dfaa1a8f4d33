// The queue, live: the server sends the whole open queue as a `queue` event whenever it changes
// (and every 15 s); waiting times tick here between events. Rows past their target, with nobody
// holding them, turn red.
(function () {
  "use strict";
  const body = document.querySelector("#queue tbody");
  if (!body) return;
  const live = document.getElementById("live");
  const empty = document.getElementById("empty");
  let rows = [];
  let receivedAt = Date.now();

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function waited(row) {
    return row.waiting_seconds + Math.floor((Date.now() - receivedAt) / 1000);
  }

  function render() {
    body.replaceChildren();
    for (const row of rows) {
      const tr = document.createElement("tr");
      const late = !row.held_by && waited(row) > row.target_seconds;
      tr.dataset.id = row.id;
      tr.className = row.level + (late ? " overdue" : "");
      const link = document.createElement("a");
      link.href = "/escalations/" + row.id;
      link.textContent = "ESC-" + row.id;
      const first = document.createElement("td");
      first.appendChild(link);
      tr.append(first, cell(row.level), cell(row.categories.join(", ")), cell(row.channel),
                cell(waited(row) + " s"), cell(row.held_by || "nobody yet"));
      body.appendChild(tr);
    }
    empty.hidden = rows.length > 0;
  }

  const source = new EventSource("/queue/stream");
  function renderOffers(offers) {
    const section = document.getElementById("offers");
    const list = section.querySelector("ul");
    list.replaceChildren(...offers.map(function (offer) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = "/escalations/" + offer.id;
      link.textContent = "ESC-" + offer.id;
      li.append(link, " from " + offer.from + " (" + offer.minutes_left + " min left to accept)");
      return li;
    }));
    section.hidden = offers.length === 0;
  }

  source.addEventListener("queue", function (event) {
    const data = JSON.parse(event.data);
    rows = data.rows;
    renderOffers(data.offers || []);
    receivedAt = Date.now();
    live.textContent = "Live.";
    render();
  });
  source.onerror = function () { live.textContent = "Reconnecting..."; };
  setInterval(render, 1000);
})();
