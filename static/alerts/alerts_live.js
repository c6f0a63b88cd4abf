// The alerts page follows alert events without a reload: on each one it fetches the page again (same
// filters) and swaps the summary and the table in place.
(function () {
  "use strict";
  var pending = null;
  function refresh() {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("alert-live");
        var current = document.getElementById("alert-live");
        if (fresh && current) current.replaceWith(fresh);
      });
  }
  document.addEventListener("monitoring:event", function (e) {
    if (e.detail.topic !== "alert.updates") return;
    clearTimeout(pending);
    pending = setTimeout(refresh, 200); // a burst of events, one refresh
  });
})();
