/* The idle warning and the typed form kept across a session end (templates/_layout/_session_warning.html,
 * gdt/web/auth/sessions.py, README "Sessions").
 *
 * Each page says how many seconds its session has left (data-idle-seconds: the server's own deadline, from the
 * stored last_seen_at; data-absolute-seconds: the end that no activity moves). SESSION_IDLE_WARNING_MINUTES
 * (data-warning-seconds) before the earlier of the two, the script first asks /session/status, which reads the
 * session without counting as activity: another tab may have kept it alive. If the end is still that near, a
 * modal alertdialog opens with the focus on "Ingelogd blijven" (POST /session/keep-alive, CSRF in the
 * X-CSRFToken header) and "Nu uitloggen". Nothing on the page changes, so what was typed stays.
 *
 * When the session has ended anyway (the dialog was ignored, the laptop slept), the dialog says so and offers
 * "Opnieuw inloggen", and a form submitted after the end is held back: either way the forms' text is copied into
 * sessionStorage and the browser goes to the login page with next= this page. After the login, this page puts
 * the text back once (for the same user only) and says so; the copy is then removed. Not copied: passwords, files
 * and CSRF tokens. Privacy: sessionStorage belongs to this tab only and is cleared when the tab is closed.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("gdt-session-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch || !window.sessionStorage) {
    return;  // without these the page works as before: the server still ends the session
  }
  var data = dialog.dataset;
  var KEY = "gdt-saved-forms:" + location.pathname + location.search;
  var MARGIN_MS = 2000;  // the status check and the clocks' rounding
  var text = document.getElementById("gdt-session-warning-text");
  var title = document.getElementById("gdt-session-warning-title");
  var stay = dialog.querySelector("[data-session-stay]");
  var relogin = dialog.querySelector("[data-session-login]");
  var logout = dialog.querySelector("[data-session-logout]");
  var csrf = logout.querySelector("input[name=csrf_token]").value;
  var idleEnd, absoluteEnd, warningMs = Number(data.warningSeconds) * 1000;
  var timer = null, ticker = null, ended = false, returnFocus = null, passing = false;

  function setDeadlines(timing) {
    var now = Date.now();
    idleEnd = now + Number(timing.idleSeconds) * 1000;
    absoluteEnd = now + Number(timing.absoluteSeconds) * 1000;
  }

  function end() {
    return Math.min(idleEnd, absoluteEnd);
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!ended) {
      timer = window.setTimeout(check, Math.max(0, end() - warningMs - Date.now()));
    }
  }

  function status() {
    return window.fetch(data.statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); });
  }

  /* Near the end: ask the server first; open the warning only if no other tab kept the session alive. */
  function check() {
    status().then(function (timing) {
      if (!timing.live) {
        showEnded();
        return;
      }
      setDeadlines(timing);
      if (end() - Date.now() > warningMs + MARGIN_MS) {
        close();
        schedule();
      } else {
        showWarning();
      }
    }, function () {
      showWarning();  // offline: warn anyway, the buttons say so if the server stays out of reach
    });
  }

  function whenWords() {
    var seconds = Math.max(0, Math.round((end() - Date.now()) / 1000));
    var minutes = Math.round(seconds / 60);
    if (seconds < 60) {
      return data.whenSoon;
    }
    return minutes === 1 ? data.whenOne : data.whenMany.replace("{n}", String(minutes));
  }

  function warningText() {
    var absolute = absoluteEnd <= idleEnd;
    return (absolute ? data.msgAbsolute : data.msgIdle).replace("{when}", whenWords());
  }

  function showWarning() {
    stay.hidden = absoluteEnd <= idleEnd;  // staying cannot move the absolute end
    setText(warningText());
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      (stay.hidden ? logout.querySelector("button") : stay).focus();
    }
    window.clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
  }

  function tick() {
    if (Date.now() >= end()) {
      window.clearInterval(ticker);
      status().then(function (timing) {
        if (timing.live) {
          setDeadlines(timing);
          close();
          schedule();
        } else {
          showEnded();
        }
      }, showEnded);
      return;
    }
    var sentence = warningText();
    if (text.textContent !== sentence) {
      setText(sentence);  // once a minute, and at the last minute: the live region is not read every second
    }
  }

  function setText(sentence) {
    if (text.textContent !== sentence) {
      text.textContent = sentence;
    }
  }

  function showEnded() {
    ended = true;
    window.clearTimeout(timer);
    window.clearInterval(ticker);
    title.textContent = data.titleEnded;
    setText(data.msgEnded);
    stay.hidden = true;
    logout.hidden = true;
    relogin.hidden = false;
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    relogin.focus();
  }

  function close() {
    window.clearInterval(ticker);
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocus && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function keepAlive() {
    window.fetch(data.keepAliveUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, Accept: "application/json"}
    }).then(function (response) { return response.json(); }).then(function (timing) {
      if (!timing.live) {
        showEnded();
        return;
      }
      setDeadlines(timing);
      close();
      schedule();
    }, function () {
      setText(data.msgOffline);
    });
  }

  function loginAgain() {
    saveForms();
    location.assign(data.loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search));
  }

  /* ---- the typed text across a login ---- */

  function savedForms() {
    return Array.prototype.filter.call(document.querySelectorAll("main form"), function (form) {
      return (form.getAttribute("method") || "").toLowerCase() === "post";
    });
  }

  function keepField(field) {
    var type = (field.type || "").toLowerCase();
    return field.name && !field.disabled && !/(^|-)csrf_token$/.test(field.name) &&
      ["password", "file", "submit", "button", "reset", "image"].indexOf(type) === -1;
  }

  function saveForms() {
    var forms = savedForms().map(function (form) {
      var fields = Array.prototype.filter.call(form.elements, keepField).map(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          return {name: field.name, value: field.value, checked: field.checked};
        }
        if (field.multiple && field.options) {
          return {name: field.name, values: Array.prototype.filter.call(field.options, function (option) {
            return option.selected;
          }).map(function (option) { return option.value; })};
        }
        return {name: field.name, value: field.value};
      });
      return {action: form.getAttribute("action") || "", fields: fields};
    });
    try {
      sessionStorage.setItem(KEY, JSON.stringify({user: data.user, forms: forms}));
    } catch (full) {
      /* storage full or refused: the login page still says why the session ended */
    }
  }

  function restoreForms() {
    var raw = sessionStorage.getItem(KEY);
    if (!raw) {
      return;
    }
    sessionStorage.removeItem(KEY);  // once: a reload shows the page as the server sends it
    var saved;
    try {
      saved = JSON.parse(raw);
    } catch (broken) {
      return;
    }
    if (!saved || saved.user !== data.user) {
      return;  // someone else logged in on this tab: their page stays empty
    }
    var forms = savedForms(), restored = false;
    saved.forms.forEach(function (copy, index) {
      var form = forms[index];
      if (!form || (form.getAttribute("action") || "") !== copy.action) {
        return;
      }
      copy.fields.forEach(function (field) {
        Array.prototype.forEach.call(form.elements, function (element) {
          if (element.name !== field.name || !keepField(element)) {
            return;
          }
          if (element.type === "checkbox" || element.type === "radio") {
            if (element.value === field.value) {
              element.checked = field.checked;
            }
          } else if (field.values && element.options) {
            Array.prototype.forEach.call(element.options, function (option) {
              option.selected = field.values.indexOf(option.value) !== -1;
            });
          } else if (element.value !== field.value) {
            element.value = field.value;
            restored = restored || field.value !== "";
          }
        });
      });
    });
    if (restored) {
      var notice = document.getElementById("gdt-form-restored");
      var main = document.querySelector("main");
      notice.querySelector("p").textContent = data.msgRestored;
      notice.setAttribute("role", "status");  // only when shown: until the stylesheets apply, a hidden region can count as shown
      notice.hidden = false;
      main.insertBefore(notice, main.firstChild);
    }
  }

  /* A form sent after the end would only reach the login page: keep its text and log in on this page first. */
  function guardSubmit(event) {
    var form = event.target;
    if (passing || ended === false && Date.now() < end() - MARGIN_MS || !form.closest("main")) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    status().then(function (timing) {
      if (timing.live) {
        setDeadlines(timing);
        schedule();
        passing = true;
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(submitter);
        } else {
          form.submit();
        }
        passing = false;
      } else {
        loginAgain();
      }
    }, function () {
      passing = true;
      form.submit();
    });
  }

  setDeadlines({idleSeconds: data.idleSeconds, absoluteSeconds: data.absoluteSeconds});
  stay.addEventListener("click", keepAlive);
  relogin.addEventListener("click", loginAgain);
  dialog.addEventListener("cancel", function (event) {
    if (!ended) {
      event.preventDefault();  // Escape during the warning: the user is evidently there
      keepAlive();
    }
  });
  document.addEventListener("submit", guardSubmit);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !ended) {
      schedule();  // timers of a background tab may have been held back
    }
  });
  restoreForms();
  schedule();
}());
