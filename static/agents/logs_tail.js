// The logs page's live tail: lines ingested while the page is open arrive on the agent.logs stream (one
// message per ingested batch) and are put on top of the table when they match the form's filters. The
// text filter here is a plain "every word appears" test; the server's search (full-text, with stemming)
// can find a little more when the form is submitted.
(function () {
  "use strict";
  var MAX_ROWS = 500;
  var form = document.getElementById("log-search");
  var body = document.querySelector("#log-table tbody");
  var toggle = document.getElementById("live-tail");
  if (!form || !body || !toggle) return;

  function wanted(line) {
    var level = form.elements.level.value, agent = form.elements.agent_id.value;
    if (level && line.level !== level) return false;
    if (agent && String(line.agent_id) !== agent) return false;
    var text = line.message.toLowerCase();
    return form.elements.search.value.toLowerCase().split(/\s+/).every(function (word) {
      return !word || text.indexOf(word) !== -1;
    });
  }

  function cell(text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function agentName(id) {
    // the agent picker of the search form lists the organization's agents by id and name
    if (id === null || id === undefined) return "";
    var option = form.elements.agent_id.querySelector('option[value="' + String(id) + '"]');
    return option ? option.textContent : String(id);
  }

  function row(line) {
    var tr = document.createElement("tr");
    tr.className = "live-line";
    tr.appendChild(cell(line.timestamp.replace("T", " ").slice(0, 19)));
    tr.appendChild(cell(line.level, "level-" + line.level));
    tr.appendChild(cell(agentName(line.agent_id)));
    var message = cell("");
    var code = document.createElement("code");
    code.textContent = line.message.length > 300 ? line.message.slice(0, 299) + "…" : line.message;
    message.appendChild(code);
    tr.appendChild(message);
    tr.appendChild(cell(line.trace_id || ""));
    return tr;
  }

  document.addEventListener("monitoring:event", function (e) {
    var msg = e.detail;
    if (msg.topic !== "agent.logs" || !toggle.checked) return;
    var empty = body.querySelector(".empty-logs");
    var lines = msg.data.lines.filter(wanted);
    if (lines.length && empty) empty.remove();
    // a batch comes oldest first: put each on top so the newest ends up first
    lines.forEach(function (line) { body.insertBefore(row(line), body.firstChild); });
    if (msg.data.more) {
      var note = document.createElement("tr");
      note.className = "live-more muted";
      note.appendChild(cell("… " + msg.data.more + " more lines in that batch: search to see them."));
      note.firstChild.colSpan = 5;
      body.insertBefore(note, body.firstChild);
    }
    while (body.children.length > MAX_ROWS) body.removeChild(body.lastChild);
  });
})();
