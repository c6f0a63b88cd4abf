// What pages would otherwise do with inline attributes, which the Content-Security-Policy forbids:
// bar charts take their heights from data-height, a select with data-autosubmit submits its form, the
// menu button and the theme toggle work, confirmations are asked, "tick all" boxes tick.
(function () {
  "use strict";
  document.querySelectorAll("[data-height]").forEach(function (bar) {
    bar.style.height = (parseFloat(bar.dataset.height) || 0) + "px";
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // a form with data-confirm asks before it submits (a delete)
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // a button with data-confirm asks before its form submits (the monitor list's bulk delete)
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
  // a checkbox with data-check-all="name" ticks or unticks every checkbox of that name in its form
  document.querySelectorAll("input[data-check-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      all.form.querySelectorAll("input[type=checkbox][name='" + all.dataset.checkAll + "']").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
  // a button with data-copy="<selector>" copies that element's text (a secret, a ping URL, a snippet)
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
  // the menu button folds the sections in and out on a narrow screen
  document.querySelectorAll("[data-toggle-nav]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  // the theme toggle: light <-> dark, remembered in this browser (theme.js applies it on the next page)
  document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var root = document.documentElement;
      var dark = root.dataset.theme ? root.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("theme", root.dataset.theme); } catch (e) { /* not kept */ }
    });
  });
})();
