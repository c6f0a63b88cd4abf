// The monitor page's response-time chart: uPlot (vendored in static/vendor/uplot) over the series the page
// carries as JSON (#response-data: bucket starts, average and p95 per bucket, failed checks). Axes in the
// viewer's zone (the dashboard's time-zone setting, else the browser's), values on hover in the legend,
// redrawn at the container's width.
(function () {
  "use strict";
  var holder = document.getElementById("response-chart");
  var source = document.getElementById("response-data");
  if (!holder || !source || typeof uPlot === "undefined") return;
  var data = JSON.parse(source.textContent);
  var zone = null;
  try { zone = localStorage.getItem("timezone") || null; } catch (e) { /* the browser's zone */ }
  var css = getComputedStyle(document.documentElement);
  var color = function (name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); };
  var ms = function (u, v) { return v === null || v === undefined ? "—" : Math.round(v) + " ms"; };
  var few = data.t.filter(function (_, i) { return data.avg[i] !== null; }).length < 3;

  var options = {
    width: holder.clientWidth || 720,
    height: 220,
    tzDate: zone ? function (ts) { return uPlot.tzDate(new Date(ts * 1000), zone); } : undefined,
    scales: { x: { time: true }, ms: { range: function (u, min, max) { return [0, Math.max(max || 0, 1) * 1.1]; } } },
    axes: [
      { stroke: color("--muted", "#5b6270"), grid: { stroke: color("--line", "#e3e6ea") } },
      { scale: "ms", stroke: color("--muted", "#5b6270"), grid: { stroke: color("--line", "#e3e6ea") },
        values: function (u, splits) { return splits.map(function (v) { return v + " ms"; }); }, size: 70 },
    ],
    series: [
      {},
      { label: "avg", scale: "ms", stroke: color("--accent", "#1d4ed8"), width: 1.5, value: ms,
        points: { show: few } },
      { label: "p95", scale: "ms", stroke: color("--warn", "#b45309"), width: 1, dash: [4, 3], value: ms,
        points: { show: few } },
      { label: "failed", scale: "failed", stroke: color("--bad", "#b91c1c"), width: 0, paths: function () { return null; },
        points: { show: true, size: 6, fill: color("--bad", "#b91c1c") },
        value: function (u, v, s, i) {
          if (i === null || i === undefined) return "—";
          return data.failed[i] ? data.failed[i] + " failed" : "none failed";
        } },
    ],
    legend: { live: true },
  };
  options.scales.failed = { range: [0, 1] };
  // a bucket with no failure draws no red dot
  var failed = data.failed.map(function (n) { return n ? 0.02 : null; });
  if (!options.tzDate) delete options.tzDate;
  var chart = new uPlot(options, [data.t, data.avg, data.p95, failed], holder);
  holder.dataset.ready = "true";
  window.addEventListener("resize", function () {
    chart.setSize({ width: holder.clientWidth || 720, height: 220 });
  });
})();
