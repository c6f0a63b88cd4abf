// Agent pages follow agent.status events: an agent's status cell changes in place.
(function () {
  "use strict";
  document.addEventListener("monitoring:event", function (e) {
    var msg = e.detail;
    if (msg.topic !== "agent.status" || !msg.data.agent) return;
    var agent = msg.data.agent;
    document.querySelectorAll("[data-agent-id='" + agent.id + "']").forEach(function (node) {
      var cell = node.classList.contains("agent-status") ? node : node.querySelector(".agent-status");
      if (!cell) return;
      cell.textContent = agent.status;
      cell.className = "agent-status status-" + agent.status;
    });
  });
})();
