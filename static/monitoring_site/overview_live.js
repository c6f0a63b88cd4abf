// The overview's counters and needs-attention list follow the events: on each one (debounced), the panel
// is fetched again from the server, so every figure stays the server's own.
(function () {
  "use strict";
  var panel = document.getElementById("overview-panel");
  if (!panel) return;
  var timer = null;

  function refresh() {
    timer = null;
    fetch(panel.dataset.panelUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html !== null) panel.innerHTML = html; })
      .catch(function () { /* offline: the next event tries again */ });
  }

  document.addEventListener("monitoring:event", function () {
    if (timer === null) timer = setTimeout(refresh, 500);
  });
})();
