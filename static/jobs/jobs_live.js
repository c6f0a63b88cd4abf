// Job pages follow job.updates events: a job's status cell changes in place; a job's own page reloads
// once the job finishes, to show its log and result.
(function () {
  "use strict";
  document.addEventListener("monitoring:event", function (e) {
    var msg = e.detail;
    if (msg.topic !== "job.updates" || !msg.data.job) return;
    var job = msg.data.job;
    document.querySelectorAll("[data-job-id='" + job.id + "']").forEach(function (node) {
      var cell = node.classList.contains("job-status") ? node : node.querySelector(".job-status");
      if (!cell) return;
      cell.textContent = job.status;
      cell.className = "job-status status-" + job.status;
      if (cell.dataset.reloadWhenFinished && ["completed", "failed", "cancelled"].indexOf(job.status) >= 0) {
        location.reload();
      }
    });
  });
})();
