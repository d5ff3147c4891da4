/* Shows arrivals on the expert's day page without a reload: every few seconds it asks
   the status endpoint and updates the status of each call, its arrival time, how long
   the citizen has waited and the "waiting now" mark. Without JavaScript the page's
   Refresh link does the same. */
(function () {
  "use strict";
  var table = document.querySelector("[data-status-url]");
  if (!table || !window.fetch) { return; }
  var announcer = document.getElementById("live-status");
  var url = table.getAttribute("data-status-url");

  function show(item) {
    var row = table.querySelector('[data-appointment-id="' + item.id + '"]');
    if (!row) { return; }
    var arrival = row.querySelector("[data-arrival]");
    var waiting = row.querySelector("[data-waiting]");
    if (arrival) { arrival.textContent = item.arrival || ""; }
    if (waiting) { waiting.hidden = !item.waiting; }
    var status = row.querySelector("[data-status]");
    if (!status || status.getAttribute("data-status") === item.status) { return; }
    status.setAttribute("data-status", item.status);
    status.className = "status status-" + item.status;
    status.textContent = item.label;
    if (announcer) { announcer.textContent = row.getAttribute("data-name") + ": " + item.label; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.appointments) { data.appointments.forEach(show); } })
      .catch(function () { /* offline or signed out: the next poll tries again */ });
  }

  window.setInterval(poll, 5000);
}());
