// Monitoring pages: submit the period filter on change (no inline scripts under the CSP).
document.addEventListener("change", function (event) {
  const select = event.target.closest("[data-autosubmit]");
  if (select && select.form) { select.form.submit(); }
});
