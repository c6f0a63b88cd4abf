// Agent pages follow agent.status events: an agent's status cell changes in place, and the fleet page's
// status tiles move the agent from its previous status's count to its new one.
(function () {
  "use strict";
  function bump(status, delta) {
    var tile = document.querySelector("#agent-tiles [data-status='" + status + "'] strong");
    if (tile) tile.textContent = String(Math.max(0, parseInt(tile.textContent, 10) + delta));
  }
  document.addEventListener("monitoring:event", function (e) {
    var msg = e.detail;
    if (msg.topic !== "agent.status" || !msg.data.agent) return;
    var agent = msg.data.agent;
    var rows = document.querySelectorAll("[data-agent-id='" + agent.id + "']");
    rows.forEach(function (node) {
      var cell = node.classList.contains("agent-status") ? node : node.querySelector(".agent-status");
      if (!cell) return;
      cell.textContent = agent.status;
      cell.className = "agent-status status-" + agent.status;
    });
    var previous = msg.data.previous_status, current = msg.data.current_status || agent.status;
    if (rows.length && previous && previous !== current) {
      bump(previous, -1);
      bump(current, +1);
    }
  });
})();
