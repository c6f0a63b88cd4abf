// Every <time data-when> (the |when filter: exact UTC as text) becomes "3 min ago", with the exact time in
// the viewer's zone on hover: the zone chosen in this browser (localStorage "timezone"), else the
// browser's own. Refreshed every 30 s, and for rows that live updates add.
(function () {
  "use strict";
  var zone = null;
  try { zone = localStorage.getItem("timezone") || null; } catch (e) { /* the browser's zone */ }
  // dateStyle/timeStyle cannot be combined with timeZoneName: the parts are named one by one
  var exact = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
    timeZone: zone || undefined, timeZoneName: "short"
  });
  var relative = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;
  var STEPS = [[60, "second"], [3600, "minute"], [86400, "hour"], [604800, "day"]];

  function ago(seconds) {
    var sign = seconds < 0 ? 1 : -1, abs = Math.abs(seconds), unit = 1;
    for (var i = 0; i < STEPS.length; i++) {
      if (abs < STEPS[i][0]) {
        return relative.format(sign * Math.round(abs / unit), STEPS[i][1]);
      }
      unit = STEPS[i][0];
    }
    return null;
  }

  function render() {
    var now = Date.now();
    document.querySelectorAll("time[data-when]").forEach(function (el) {
      var at = new Date(el.getAttribute("datetime"));
      if (isNaN(at)) return;
      if (!el.dataset.utc) el.dataset.utc = el.textContent;
      el.title = exact.format(at) + " (" + el.dataset.utc + ")";
      var text = relative ? ago((now - at.getTime()) / 1000) : null;
      el.textContent = text || exact.format(at);
    });
  }

  render();
  setInterval(render, 30000);
  document.addEventListener("monitoring:event", function () { setTimeout(render, 600); });
  document.addEventListener("monitoring:refreshed", render);
})();
