// Platform-wide behaviour. No inline scripts: the Content-Security-Policy allows only our own files.
htmx.config.includeIndicatorStyles = false;
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) { event.preventDefault(); }
});
document.addEventListener("DOMContentLoaded", function () {
  const toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      const nav = document.getElementById(toggle.getAttribute("aria-controls"));
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    if (!window.echarts) { return; }
    const option = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
