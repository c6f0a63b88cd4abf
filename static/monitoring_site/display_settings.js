// The display settings page: the time zone and theme this browser shows the dashboard in, saved at once
// in localStorage ("timezone", "theme"), which times.js and theme.js read on every page.
(function () {
  "use strict";
  var zone = document.getElementById("display-zone");
  var theme = document.getElementById("display-theme");
  var saved = document.getElementById("display-saved");
  var exact = document.getElementById("display-exact");
  if (!zone || !theme) return;
  var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  zone.options[0].textContent = "This browser's own (" + browserZone + ")";
  function read(key) { try { return localStorage.getItem(key) || ""; } catch (e) { return ""; } }
  function write(key, value) {
    try { if (value) localStorage.setItem(key, value); else localStorage.removeItem(key); } catch (e) { /* not kept */ }
  }
  function sample() {
    var chosen = zone.value || browserZone;
    exact.textContent = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium", timeStyle: "long", timeZone: chosen
    }).format(new Date());
  }
  zone.value = read("timezone");
  theme.value = read("theme");
  sample();
  zone.addEventListener("change", function () {
    write("timezone", zone.value);
    sample();
    saved.textContent = "Saved: times show in " + (zone.value || browserZone) + ".";
  });
  theme.addEventListener("change", function () {
    write("theme", theme.value);
    if (theme.value) document.documentElement.dataset.theme = theme.value;
    else delete document.documentElement.dataset.theme;
    saved.textContent = "Saved.";
  });
})();
