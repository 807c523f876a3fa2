// Appeal pages: stop double submissions, shade the county heat table. No inline scripts (CSP).
document.addEventListener("submit", function (event) {
  const form = event.target.closest("form[data-once]");
  if (!form) { return; }
  if (form.dataset.sent === "1") { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; b.textContent = "提交中…"; });
});
document.addEventListener("DOMContentLoaded", function () {
  const cells = Array.from(document.querySelectorAll("td[data-heat]"));
  const max = Math.max(1, ...cells.map(function (c) { return Number(c.dataset.heat); }));
  cells.forEach(function (c) {
    const share = Number(c.dataset.heat) / max;
    c.style.background = "rgba(164, 22, 26, " + (share * 0.6).toFixed(2) + ")";
    if (share > 0.5) { c.style.color = "#fff"; }
  });
});
