// What pages would otherwise do with inline attributes, which the Content-Security-Policy forbids: bar
// charts take their heights from data-height, a select with data-autosubmit submits its form, forms and
// buttons with data-confirm ask first, data-copy buttons copy, data-check-all boxes tick their group, the
// menu button and the theme toggle work. Listeners sit on the document, so parts of a page that
// live_refresh.js replaces keep working.
(function () {
  "use strict";
  function heights(root) {
    root.querySelectorAll("[data-height]").forEach(function (bar) {
      bar.style.height = (parseFloat(bar.dataset.height) || 0) + "px";
    });
  }
  heights(document);
  document.addEventListener("monitoring:refreshed", function () { heights(document); });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-autosubmit]")) el.form.submit();
    if (el.matches("input[data-check-all]")) {
      el.form.querySelectorAll("input[type=checkbox][name='" + el.dataset.checkAll + "']").forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });

  // a form with data-confirm asks before it submits (a delete)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) return;
    // a button with data-confirm asks before its form submits (the monitor list's bulk delete)
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // data-copy="<selector>": copy that element's text (a secret, a ping URL, a snippet)
    if (button.dataset.copy !== undefined) {
      var source = document.querySelector(button.dataset.copy);
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          var label = button.textContent;
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 1500);
        });
      }
    }
    // the menu button folds the sections in and out on a narrow screen
    if (button.hasAttribute("data-toggle-nav")) {
      var open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    // the theme toggle: light <-> dark, remembered in this browser (theme.js applies it on the next page)
    if (button.hasAttribute("data-theme-toggle")) {
      var root = document.documentElement;
      var dark = root.dataset.theme ? root.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("theme", root.dataset.theme); } catch (e) { /* not kept */ }
    }
  });
})();
