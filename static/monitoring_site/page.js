// What pages would otherwise do with inline attributes, which the Content-Security-Policy forbids:
// bar charts take their heights from data-height, and a select with data-autosubmit submits its form.
(function () {
  "use strict";
  document.querySelectorAll("[data-height]").forEach(function (bar) {
    bar.style.height = (parseFloat(bar.dataset.height) || 0) + "px";
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
