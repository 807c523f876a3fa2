// 政策超市: on the clause review page, clicking a quoted source highlights it in the clause text.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-quote]");
    var target = document.getElementById("clause-text");
    if (!button || !target) { return; }
    var text = target.getAttribute("data-text");
    var quote = button.getAttribute("data-quote");
    var at = text.indexOf(quote);
    target.textContent = "";
    if (at < 0) { target.textContent = text; return; }
    var mark = document.createElement("mark");
    mark.textContent = quote;
    target.append(text.slice(0, at), mark, text.slice(at + quote.length));
    mark.scrollIntoView({ block: "center", behavior: "smooth" });
  });
})();
