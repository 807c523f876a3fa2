// Platform-wide behaviour. No inline scripts: the Content-Security-Policy allows only our own files.
htmx.config.includeIndicatorStyles = false;
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) { event.preventDefault(); }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    if (!window.echarts) { return; }
    const option = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
