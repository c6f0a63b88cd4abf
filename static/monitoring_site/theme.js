// Runs in <head>, before the page paints: the theme the user chose with the toggle (kept in this browser),
// else the system's (prefers-color-scheme, in app.css). Dashboard and public status page alike.
(function () {
  "use strict";
  try {
    var chosen = localStorage.getItem("theme");
    if (chosen === "dark" || chosen === "light") document.documentElement.dataset.theme = chosen;
  } catch (e) { /* storage blocked: the system's theme */ }
})();
