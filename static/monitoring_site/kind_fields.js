// Fields that belong to one kind of object show only while it is chosen: a field marked
// data-shown-when="type=website keyword json" shows while its form's "type" control (a select or radio
// buttons) has one of those values (monitoring_site/dashboard/kinds.py marks them; the server drops the
// hidden ones' values too).
(function () {
  "use strict";
  function valueOf(form, name) {
    var control = form.querySelector("select[name='" + name + "']");
    if (control) return control.value;
    var picked = form.querySelector("input[name='" + name + "']:checked");
    return picked ? picked.value : "";
  }

  function apply(form) {
    form.querySelectorAll("[data-shown-when]").forEach(function (el) {
      var rule = el.dataset.shownWhen.split("=");
      var holder = el.closest("fieldset.picker") || el.closest("label") || el;
      holder.hidden = rule[1].split(" ").indexOf(valueOf(form, rule[0])) === -1;
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("[data-shown-when]")) apply(form);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("[data-shown-when]")) apply(form);
  });
})();
