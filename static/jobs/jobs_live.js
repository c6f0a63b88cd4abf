// Job pages follow job.updates events: a job's status cell changes in place. A job's own page also polls
// the job's output while it runs (every 2 s) and reloads once it finishes, to show the result.
(function () {
  "use strict";
  var FINISHED = ["completed", "failed", "cancelled"];

  function setStatus(cell, status) {
    cell.textContent = status;
    cell.className = "job-status status-" + status;
  }

  document.addEventListener("monitoring:event", function (e) {
    var msg = e.detail;
    if (msg.topic !== "job.updates" || !msg.data.job) return;
    var job = msg.data.job;
    document.querySelectorAll("[data-job-id='" + job.id + "']").forEach(function (node) {
      var cell = node.classList.contains("job-status") ? node : node.querySelector(".job-status");
      if (!cell) return;
      setStatus(cell, job.status);
      if (cell.dataset.reloadWhenFinished && FINISHED.indexOf(job.status) >= 0) location.reload();
    });
  });

  var own = document.querySelector("[data-reload-when-finished][data-log-url]");
  var logEl = document.getElementById("job-log");
  if (!own || !logEl || FINISHED.indexOf(own.textContent.trim()) >= 0) return;
  var timer = setInterval(function () {
    fetch(own.dataset.logUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (data.log) logEl.textContent = data.log;
        setStatus(own, data.status);
        if (FINISHED.indexOf(data.status) >= 0) { clearInterval(timer); location.reload(); }
      });
  }, 2000);
})();
