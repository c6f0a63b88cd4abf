// The monitor form shows only the chosen type's fields: each field with data-kinds="website keyword json"
// is shown when the type picked is one of those (the server keeps only those fields too).
(function () {
  "use strict";
  var form = document.getElementById("monitor-form");
  if (!form) return;
  var type = form.querySelector("select[name=type]");
  if (!type) return;

  function show() {
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      var holder = el.closest("fieldset.picker") || el.closest("label") || el;
      holder.hidden = el.dataset.kinds.split(" ").indexOf(type.value) === -1;
    });
  }
  type.addEventListener("change", show);
  show();
})();
