/* Passkeys (WebAuthn): registering one (form[data-passkey-register], account and enrolment page) and logging in
 * with one (section[data-passkey-login], second-factor page). See gdt/web/auth/passkeys.py.
 *
 * Each step asks the server for options (POST, CSRF in the X-CSRFToken header, token from the container's hidden
 * csrf_token field), turns their base64url fields into bytes, lets the browser ask the authenticator, sends the
 * answer back as base64url JSON and follows the "redirect" the server answers. A refusal (problem+json "detail",
 * already in Dutch) or a browser error is written into the container's aria-live region. Without WebAuthn the
 * container says passkeys are not available in this browser; nothing else happens.
 */
(function () {
  "use strict";

  if (window.gdtPasskeys) {
    return;  // the script may be included by more than one partial
  }
  window.gdtPasskeys = true;

  var supported = Boolean(window.PublicKeyCredential && navigator.credentials && navigator.credentials.create &&
                          navigator.credentials.get && window.fetch && window.Promise);

  /* Dutch fallbacks; the page gives each sentence in the user's language as data-msg-<key> on the container. */
  var MESSAGES = {
    waiting: "Volg de aanwijzingen van uw browser of apparaat.",
    checking: "Uw passkey wordt gecontroleerd …",
    cancelled: "De passkey is niet gebruikt: de vraag is geannuleerd of duurde te lang. Probeer het opnieuw.",
    excluded: "Deze passkey is al geregistreerd voor uw account.",
    insecure: "Passkeys werken niet op dit adres van GDT. Neem contact op met de beheerder.",
    unsupported: "Deze passkey of beveiligingssleutel wordt niet ondersteund. Probeer een andere.",
    "too-many": "Te veel pogingen. Wacht enkele minuten en probeer het dan opnieuw.",
    failed: "Er ging iets mis met de passkey. Probeer het opnieuw.",
    offline: "GDT is niet bereikbaar. Controleer uw verbinding en probeer het opnieuw."
  };

  function text(container, key) {
    return container.getAttribute("data-msg-" + key) || MESSAGES[key];
  }

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = window.atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withCredentialBytes(list) {
    return (list || []).map(function (item) {
      return {type: item.type, id: toBytes(item.id), transports: item.transports};
    });
  }

  function creationOptions(json) {
    json.challenge = toBytes(json.challenge);
    json.user.id = toBytes(json.user.id);
    json.excludeCredentials = withCredentialBytes(json.excludeCredentials);
    return json;
  }

  function requestOptions(json) {
    json.challenge = toBytes(json.challenge);
    json.allowCredentials = withCredentialBytes(json.allowCredentials);
    return json;
  }

  function extensions(credential) {
    return credential.getClientExtensionResults ? credential.getClientExtensionResults() : {};
  }

  /* The credential as the server's webauthn library reads it: binary fields base64url, plus the response's own. */
  function credentialJSON(credential, response) {
    response.clientDataJSON = toBase64url(credential.response.clientDataJSON);
    return {
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: extensions(credential),
      response: response
    };
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return credentialJSON(credential, {
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : []
    });
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return credentialJSON(credential, {
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : null
    });
  }

  /* A refusal by the server: rejected with {refusal: message, field: name or null}. */
  function post(container, url, body) {
    var token = container.querySelector("input[name='csrf_token']");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json, application/problem+json",
                "X-CSRFToken": token ? token.value : ""},
      body: JSON.stringify(body)
    }).catch(function () {
      throw {refusal: text(container, "offline")};
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          return data;
        }
        var field = (data.invalidParams || [])[0];
        var refusal = response.status === 429 ? text(container, "too-many") : data.detail;
        throw {refusal: refusal || text(container, "failed"), field: field ? field.name : null};
      });
    });
  }

  function browserMessage(container, error) {
    switch (error && error.name) {
      case "NotAllowedError":
      case "AbortError":
        return text(container, "cancelled");
      case "InvalidStateError":
        return text(container, "excluded");
      case "SecurityError":
        return text(container, "insecure");
      case "NotSupportedError":
        return text(container, "unsupported");
      default:
        return text(container, "failed");
    }
  }

  function say(container, message, isError) {
    var region = container.querySelector("[data-passkey-message]");
    region.textContent = "";
    if (!message) {
      return;
    }
    var paragraph = document.createElement("p");
    paragraph.className = "utrecht-paragraph" + (isError ? " gdt-passkey__error" : "");
    paragraph.textContent = message;
    region.appendChild(paragraph);
  }

  /* A refusal of one field (the name, the password) marks that field and puts the focus there. */
  function failed(container, button) {
    return function (error) {
      button.disabled = false;
      var isRefusal = error && typeof error.refusal === "string";
      say(container, isRefusal ? error.refusal : browserMessage(container, error), true);
      var field = isRefusal && error.field ? container.querySelector("input[name$='-" + error.field + "']") : null;
      if (field) {
        field.setAttribute("aria-invalid", "true");
        field.focus();
      }
    };
  }

  /* Go where the server says: a POST (with the fresh CSRF token it sends) when what comes next must be the answer
   * to a POST, such as the recovery codes page; otherwise a plain navigation. */
  function follow(answer) {
    var target = new URL(answer.redirect, window.location.href);
    if (answer.method === "post") {
      var form = document.createElement("form");
      var token = document.createElement("input");
      form.method = "post";
      form.action = target.href;
      form.hidden = true;
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = answer.csrfToken || "";
      form.appendChild(token);
      document.body.appendChild(form);
      form.submit();
      return;
    }
    if (target.pathname === window.location.pathname && target.search === window.location.search) {
      window.location.hash = target.hash;  // the same page (the account page): load it again for its message
      window.location.reload();
    } else {
      window.location.assign(target.href);
    }
  }

  function register(form) {
    var nameField = form.querySelector("input[name$='-name']");
    var passwordField = form.querySelector("input[name$='-password']");  /* on the account page only */
    var button = form.querySelector("button[type='submit']");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var name = nameField.value.trim();
      var asked = {name: name};
      if (passwordField) {
        asked.password = passwordField.value;
        passwordField.removeAttribute("aria-invalid");
      }
      button.disabled = true;
      nameField.removeAttribute("aria-invalid");
      say(form, text(form, "waiting"), false);
      post(form, form.getAttribute("data-options-url"), asked).then(function (options) {
        return navigator.credentials.create({publicKey: creationOptions(options)});
      }).then(function (credential) {
        say(form, text(form, "checking"), false);
        return post(form, form.getAttribute("action"), {name: name, credential: registrationJSON(credential)});
      }).then(follow, failed(form, button));
    });
  }

  function logIn(section) {
    var button = section.querySelector("[data-passkey-start]");
    button.addEventListener("click", function () {
      button.disabled = true;
      say(section, text(section, "waiting"), false);
      post(section, section.getAttribute("data-options-url"), {}).then(function (options) {
        return navigator.credentials.get({publicKey: requestOptions(options)});
      }).then(function (credential) {
        say(section, text(section, "checking"), false);
        return post(section, section.getAttribute("data-finish-url"), {credential: assertionJSON(credential)});
      }).then(follow, failed(section, button));
    });
  }

  function prepare(container, start) {
    container.querySelector("[data-passkey-needs-script]").hidden = true;
    container.querySelector(supported ? "[data-passkey-ready]" : "[data-passkey-unsupported]").hidden = false;
    if (supported) {
      start(container);
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-passkey-register]"), function (form) {
      prepare(form, register);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-login]"), function (section) {
      prepare(section, logIn);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
