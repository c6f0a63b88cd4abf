// Live updates for dashboard pages: one WebSocket to /api/v1/ws, authenticated by the session cookie.
// Every event is re-dispatched on `document` as a "monitoring:event" CustomEvent so pages can update
// their own rows; the overview's #live-events list is filled here. A reconnect asks for the events since
// the last one seen ("since"): the server replays what was missed, and an event met twice is shown once;
// "monitoring:reconnected" then tells server-rendered regions (live_refresh.js) to fetch themselves again.
(function () {
  "use strict";
  var ALL_TOPICS = ["monitor.status", "heartbeat.status", "incident.updates", "alert.updates", "agent.status", "job.updates"];
  var statusEl = document.getElementById("live-status");
  var listEl = document.getElementById("live-events");
  // A page can ask for other topics (streams such as agent.logs are never subscribed to by default).
  var topicsEl = document.querySelector("[data-live-topics]");
  var topics = topicsEl ? topicsEl.dataset.liveTopics.split(",")
    : listEl && listEl.dataset.topics ? listEl.dataset.topics.split(",") : ALL_TOPICS;
  var delay = 1000;
  var since = null; // the timestamp of the latest event seen
  var dropped = false; // the socket closed since the page loaded: catch up when it is back
  var recent = []; // ids of the latest events seen, to drop one that comes both replayed and live

  function setStatus(state, text) {
    if (!statusEl) return;
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function describe(msg) {
    var d = msg.data || {};
    var subject = d.monitor || d.heartbeat || d.alert || d.agent || d.job || d.incident || d.status_page || d;
    var name = subject && (subject.name || subject.title || subject.id);
    return msg.event + (name !== undefined ? " · " + name : "");
  }

  function show(msg) {
    if (!listEl) return;
    var empty = listEl.querySelector(".empty");
    if (empty) empty.remove();
    var li = document.createElement("li");
    li.className = "event";
    li.dataset.event = msg.event;
    var time = document.createElement("time");
    time.setAttribute("datetime", msg.timestamp); // times.js shows it as "just now", exact on hover
    time.dataset.when = "";
    time.textContent = msg.timestamp.replace("T", " ").slice(0, 19) + " UTC";
    var text = document.createElement("span");
    text.textContent = describe(msg);
    li.appendChild(time);
    li.appendChild(text);
    listEl.insertBefore(li, listEl.firstChild);
    while (listEl.children.length > 50) listEl.removeChild(listEl.lastChild);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/api/v1/ws");
    socket.onopen = function () {
      var hello = { subscribe: topics };
      if (since) hello.since = since;
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = function (e) {
      var msg = JSON.parse(e.data);
      if (msg.type === "subscribed") {
        delay = 1000;
        if (dropped) document.dispatchEvent(new CustomEvent("monitoring:reconnected"));
        dropped = false;
        setStatus("live", "live");
      } else if (msg.type === "event") {
        if (recent.indexOf(msg.id) !== -1) return;
        recent.push(msg.id);
        if (recent.length > 500) recent.shift();
        if (!since || msg.timestamp > since) since = msg.timestamp;
        show(msg);
        document.dispatchEvent(new CustomEvent("monitoring:event", { detail: msg }));
      }
    };
    socket.onclose = function (e) {
      if (e.code === 4401) { setStatus("offline", "signed out"); return; }
      dropped = true;
      setStatus("offline", "reconnecting…");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
