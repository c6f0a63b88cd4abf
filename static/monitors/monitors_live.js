// Monitor pages follow monitor.status events (the status pill changes in place) and, on the list, the
// monitor.results stream: each new check result joins its row's strip (the oldest beat leaves), and the
// response time, last-check time, status and uptime cells take the result's figures.
(function () {
  "use strict";
  var STRIP = 50;
  var HELD = { maintenance: true, paused: true }; // shown states a check result does not end

  function setStatus(row, status) {
    var cell = row.classList.contains("monitor-status") ? row : row.querySelector(".monitor-status");
    if (!cell || (HELD[cell.textContent.trim()] && status !== "down")) return;
    cell.textContent = status;
    cell.className = cell.className.replace(/status-\S+/, "status-" + status);
  }

  function title(r) {
    var parts = [r.checked_at.replace("T", " ").slice(0, 19) + " UTC"];
    if (r.response_time_ms !== null) parts.push(Math.round(r.response_time_ms) + " ms");
    if (r.status_code) parts.push("HTTP " + r.status_code);
    parts.push(!r.ok && r.error ? r.error : (r.ok ? "up" : "down"));
    return parts.join(" · ");
  }

  function addResult(row, r) {
    var strip = row.querySelector(".beats");
    if (strip) {
      var beat = document.createElement("i");
      beat.className = "beat " + (r.ok ? "ok" : "fail");
      beat.title = title(r);
      strip.appendChild(beat);
      while (strip.children.length > STRIP) strip.removeChild(strip.firstChild);
    }
    var response = row.querySelector(".monitor-response");
    if (response) response.textContent = r.response_time_ms === null ? "—" : Math.round(r.response_time_ms) + " ms";
    var checked = row.querySelector(".monitor-checked");
    if (checked) {
      var time = document.createElement("time");
      time.setAttribute("datetime", r.checked_at);
      time.dataset.when = "";
      time.textContent = r.checked_at.replace("T", " ").slice(0, 19) + " UTC";
      checked.replaceChildren(time);
    }
    var uptime = row.querySelector(".monitor-uptime");
    if (uptime && r.uptime_24h !== null) {
      var pill = document.createElement("span");
      var level = r.uptime_24h >= 99 ? "up" : r.uptime_24h >= 95 ? "degraded" : "down";
      pill.className = "pill status-" + level;
      pill.textContent = r.uptime_24h.toFixed(2) + "%";
      uptime.replaceChildren(pill);
    }
    setStatus(row, r.status);
  }

  document.addEventListener("monitoring:event", function (e) {
    var msg = e.detail;
    if (msg.event === "monitor.check_results") {
      msg.data.results.forEach(function (r) {
        document.querySelectorAll("tr[data-monitor-id='" + r.monitor_id + "']").forEach(function (row) {
          addResult(row, r);
        });
      });
      return;
    }
    if (msg.topic !== "monitor.status" || !msg.data.monitor) return;
    var monitor = msg.data.monitor;
    document.querySelectorAll("[data-monitor-id='" + monitor.id + "']").forEach(function (node) {
      setStatus(node, monitor.status);
    });
  });
})();
