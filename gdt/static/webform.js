// The public webform, enhanced; without JavaScript it works the same (the hint states the limit, and the server
// recognises a form sent before).
//
// 1. Characters left in a text box ([data-character-count="<max>"] around the field). A visible count follows
//    every keystroke but is hidden from assistive technology; a second, visually hidden copy in an aria-live
//    "polite" region, linked to the field with aria-describedby, is updated only after a pause in typing, so a
//    screen reader hears the count now and then instead of on every key.
// 2. A form page restored from the back-forward cache after this form was sent: load its address again, and the
//    server shows the kenmerk of the report instead of a form that looks unsent. The confirmation page notes the
//    sent form in sessionStorage (this tab only).
(function () {
  "use strict";

  var SENT_KEY = "gdt.webform.sent";
  var ANNOUNCE_AFTER_MS = 1000;

  function sentForms() {
    try {
      return JSON.parse(window.sessionStorage.getItem(SENT_KEY) || "[]");
    } catch (error) {
      return [];
    }
  }

  function noteSent(formId) {
    var forms = sentForms().filter(function (id) { return id !== formId; });
    forms.push(formId);
    try {
      window.sessionStorage.setItem(SENT_KEY, JSON.stringify(forms.slice(-20)));
    } catch (error) {
      // storage refused (private mode, quota): the server still recognises the form when it is sent again
    }
  }

  function length(text) {
    // As the server counts: line breaks as one character, characters rather than UTF-16 units.
    return Array.from(text.replace(/\r\n?/g, "\n")).length;
  }

  function message(wrapper, left) {
    var count = Math.abs(left);
    var template = left >= 0
      ? (count === 1 ? wrapper.dataset.leftOne : wrapper.dataset.leftMany)
      : (count === 1 ? wrapper.dataset.overOne : wrapper.dataset.overMany);
    return template.replace("__count__", String(count));
  }

  function characterCount(wrapper) {
    var field = wrapper.querySelector("textarea");
    var max = parseInt(wrapper.dataset.characterCount, 10);
    if (!field || !max) {
      return;
    }
    var visible = document.createElement("div");
    visible.className = "utrecht-form-field-description gdt-character-count";
    visible.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("div");
    spoken.className = "gdt-visually-hidden";
    spoken.id = field.id + "-count";
    spoken.setAttribute("aria-live", "polite");
    var describedBy = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    describedBy.push(spoken.id);
    field.setAttribute("aria-describedby", describedBy.join(" "));

    var timer = null;
    function update(announce) {
      var left = max - length(field.value);
      visible.textContent = message(wrapper, left);
      visible.className = left >= 0
        ? "utrecht-form-field-description gdt-character-count"
        : "utrecht-form-field-error-message gdt-character-count";
      window.clearTimeout(timer);
      if (announce) {
        timer = window.setTimeout(function () { spoken.textContent = message(wrapper, left); }, ANNOUNCE_AFTER_MS);
      } else {
        spoken.textContent = message(wrapper, left);
      }
    }
    update(false);  // before the live region is on the page: its first text is not announced
    field.insertAdjacentElement("afterend", spoken);
    field.insertAdjacentElement("afterend", visible);
    field.addEventListener("input", function () { update(true); });
    window.addEventListener("pageshow", function () { update(false); });  // text put back by the browser
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-character-count]"), characterCount);
    var sent = document.querySelector("[data-sent-form]");
    if (sent) {
      noteSent(sent.dataset.sentForm);
    }
  });

  window.addEventListener("pageshow", function (event) {
    var form = document.getElementById("public-report");
    if (event.persisted && form && sentForms().indexOf(form.dataset.formId) !== -1) {
      window.location.reload();
    }
  });
}());
