// Pages whose figures come from the server follow the live feed by asking for themselves again: each
// element with data-live-region (and an id) is replaced by the same element of a fresh copy of the page
// when an event arrives (debounced; data-live-events="heartbeat.,incident." narrows the events that count),
// and every data-refresh-every seconds if the element asks for it (the public status page, which has no
// socket, and pings, which are not events). Server-rendered HTML only: nothing here builds markup.
(function () {
  "use strict";
  var regions = Array.prototype.slice.call(document.querySelectorAll("[data-live-region][id]"));
  if (!regions.length) return;
  var timer = null;
  var busy = false;

  function wanted(msg) {
    return regions.some(function (region) {
      var prefixes = region.dataset.liveEvents;
      if (!prefixes) return true;
      return prefixes.split(",").some(function (p) { return msg.event.indexOf(p) === 0; });
    });
  }

  function refresh() {
    timer = null;
    if (busy) { timer = setTimeout(refresh, 1000); return; }
    busy = true;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        regions.forEach(function (region) {
          var found = fresh.getElementById(region.id);
          if (found) region.replaceChildren.apply(region, Array.prototype.slice.call(found.childNodes));
        });
        document.dispatchEvent(new CustomEvent("monitoring:refreshed"));
      })
      .catch(function () { /* offline: the next event or tick tries again */ })
      .finally(function () { busy = false; });
  }

  function soon() { if (timer === null) timer = setTimeout(refresh, 500); }

  document.addEventListener("monitoring:event", function (e) { if (wanted(e.detail)) soon(); });
  document.addEventListener("monitoring:reconnected", soon);
  regions.forEach(function (region) {
    var every = parseInt(region.dataset.refreshEvery, 10);
    if (every > 0) setInterval(soon, every * 1000);
  });
})();
