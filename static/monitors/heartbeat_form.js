// The heartbeat form: only the chosen schedule's fields show (a period, or a cron expression and its time
// zone), and the cron's next runs are previewed in its zone as it is typed (asked of the server, which
// runs the same cron library the checker does).
(function () {
  "use strict";
  var form = document.getElementById("heartbeat-form");
  if (!form) return;
  var kinds = form.querySelectorAll("input[name=schedule]");
  var preview = document.getElementById("cron-preview");
  var list = document.getElementById("next-runs");

  function chosen() {
    var picked = form.querySelector("input[name=schedule]:checked");
    return picked ? picked.value : "period";
  }

  function show() {
    var kind = chosen();
    form.querySelectorAll("[data-schedule]").forEach(function (el) {
      var holder = el.closest("label") && el.id !== "cron-preview" ? el.closest("label") : el;
      holder.hidden = el.dataset.schedule !== kind;
    });
  }

  var timer = null;
  function ask() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var cron = form.querySelector("input[name=cron]").value.trim();
      var zone = form.querySelector("input[name=timezone]").value.trim() || "UTC";
      if (!cron) return;
      var url = preview.dataset.previewUrl + "?cron=" + encodeURIComponent(cron) + "&timezone=" + encodeURIComponent(zone);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (answer) {
        list.replaceChildren();
        if (answer.error) {
          var li = document.createElement("li");
          li.className = "flash error";
          li.textContent = answer.error;
          list.appendChild(li);
          return;
        }
        answer.runs.forEach(function (run) {
          var li = document.createElement("li");
          li.textContent = run.local + " (" + run.utc + ")";
          list.appendChild(li);
        });
      });
    }, 300);
  }

  kinds.forEach(function (k) { k.addEventListener("change", show); });
  ["cron", "timezone"].forEach(function (name) {
    var input = form.querySelector("input[name=" + name + "]");
    if (input) input.addEventListener("input", ask);
  });
  show();
})();
