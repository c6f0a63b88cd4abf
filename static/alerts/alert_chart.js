// An alert's metric around its trigger (uPlot, vendored): the value per bucket and the threshold as a
// dashed line, values on hover; the data is the page's #alert-data JSON.
(function () {
  "use strict";
  var holder = document.getElementById("alert-chart");
  var source = document.getElementById("alert-data");
  if (!holder || !source || typeof uPlot === "undefined") return;
  var data = JSON.parse(source.textContent);
  var css = getComputedStyle(document.documentElement);
  var color = function (name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); };
  var unit = data.unit ? " " + data.unit : "";
  var shown = function (u, v) { return v === null || v === undefined ? "—" : (Math.round(v * 100) / 100) + unit; };
  var threshold = data.t.map(function () { return data.threshold; });
  var options = {
    width: holder.clientWidth || 720,
    height: 200,
    axes: [
      { stroke: color("--muted", "#5b6270"), grid: { stroke: color("--line", "#e3e6ea") } },
      { stroke: color("--muted", "#5b6270"), grid: { stroke: color("--line", "#e3e6ea") }, size: 60 },
    ],
    series: [
      {},
      { label: "value", stroke: color("--accent", "#1d4ed8"), width: 1.5, value: shown, spanGaps: false },
      { label: "threshold", stroke: color("--bad", "#b91c1c"), width: 1, dash: [5, 4], value: shown, points: { show: false } },
    ],
  };
  var chart = new uPlot(options, [data.t, data.value, threshold], holder);
  holder.dataset.ready = "true";
  window.addEventListener("resize", function () { chart.setSize({ width: holder.clientWidth || 720, height: 200 }); });
})();
