// Monitor pages follow monitor.status events: the monitor's status cell changes (and turns red) in place.
(function () {
  "use strict";
  document.addEventListener("monitoring:event", function (e) {
    var msg = e.detail;
    if (msg.topic !== "monitor.status" || !msg.data.monitor) return;
    var monitor = msg.data.monitor;
    document.querySelectorAll("[data-monitor-id='" + monitor.id + "']").forEach(function (node) {
      var cell = node.classList.contains("monitor-status") ? node : node.querySelector(".monitor-status");
      if (!cell) return;
      cell.textContent = monitor.status;
      cell.className = "monitor-status status-" + monitor.status;
    });
  });
})();
