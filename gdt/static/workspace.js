/* The case page's steps, progressively enhanced: each step's button is a link to the step's own page, which works
 * without this script. With it, a link that names a <dialog> (data-dialog) opens the same form in that dialog
 * instead: showModal keeps keyboard focus inside it, Escape and "Annuleren" (a formmethod="dialog" button) close
 * it, and focus goes back to the link. Ctrl/Cmd/Shift-click still opens the page.
 */
(function () {
  "use strict";

  if (typeof window.HTMLDialogElement !== "function") {
    return;
  }
  var links = document.querySelectorAll("a[data-dialog]");
  Array.prototype.forEach.call(links, function (link) {
    var dialog = document.getElementById(link.getAttribute("data-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    link.setAttribute("aria-haspopup", "dialog");
    link.addEventListener("click", function (event) {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      dialog.showModal();
      var first = dialog.querySelector(
        "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
      );
      (first || dialog.querySelector("button")).focus();
    });
    dialog.addEventListener("close", function () {
      link.focus();
    });
  });
})();
