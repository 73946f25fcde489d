// The dashboard's charts, drawn with the vendored Chart.js from the figures the page embeds
// as JSON (json_script: no inline script, the CSP allows scripts from 'self' only).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#20c997", "#fd7e14"];

  function draw(id, type, labels, datasets, options) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    canvas.chart = new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, options || {}),
    });
  }

  if (data.status) {
    draw("chart-status", "bar", data.status.labels, [
      { data: data.status.values, backgroundColor: palette[0] },
    ], { plugins: { legend: { display: false } } });
  }
  if (data.category) {
    draw("chart-category", "doughnut", data.category.labels, [
      { data: data.category.values, backgroundColor: palette },
    ]);
  }
  if (data.warnings) {
    draw("chart-warnings", "bar", data.warnings.labels, [
      { data: data.warnings.values, backgroundColor: ["#ffc107", "#dc3545"] },
    ], { plugins: { legend: { display: false } } });
  }
  if (data.trend) {
    draw("chart-trend", "line", data.trend.labels, data.trend.series.map(function (s, i) {
      return { label: s.label, data: s.values, borderColor: palette[i % palette.length], tension: 0.2 };
    }));
  }
  document.documentElement.dataset.chartsDrawn = "true";
})();
