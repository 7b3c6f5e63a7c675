// After a refused submit, move focus to the error summary so keyboard and screen reader users start
// at the list of what to fix (NL Design System form guidance). Without JavaScript it is still the first content.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary && !document.querySelector("[autofocus]")) {
    summary.focus();
  }
});
