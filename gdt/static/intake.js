/* Phone intake and the partner's registration form, progressively enhanced: the address is looked up
 * while the call goes on (or while the partner types).
 *
 * Without this script the "Zoek adres" button does the same with a page load. With it, leaving the
 * house-number field (or Enter in it, or changing postcode or addition) asks the form's data-address-url
 * (POST /intake/address, or /partner/adres) and shows the answer (BAG matches and, for the team only,
 * what the team knows at the address) in the aria-live region.
 * Street and city are filled only when empty or still as this script filled them: never over a
 * person's typing. The address goes in the JSON body, never in a URL; CSRF in the X-CSRFToken header.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-address-url]");
  var region = document.getElementById("address-result");
  if (!form || !region || !window.fetch) {
    return;
  }
  var field = function (name) { return form.elements.namedItem(name); };
  var postcode = field("postcode");
  var houseNumber = field("house_number");
  var addition = field("house_number_addition");
  var street = field("street");
  var city = field("city");
  var token = field("csrf_token");
  var lastKey = null;
  var latest = 0;

  function typed() {
    return {
      postcode: postcode.value.trim(),
      house_number: houseNumber.value.trim(),
      house_number_addition: addition.value.trim()
    };
  }

  function lookup(force) {
    var address = typed();
    var key = [address.postcode, address.house_number, address.house_number_addition].join("|");
    if (!address.postcode || !address.house_number || (key === lastKey && !force)) {
      return;
    }
    lastKey = key;
    var request = ++latest;
    fetch(form.getAttribute("data-address-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": token ? token.value : ""},
      body: JSON.stringify(address)
    }).then(function (response) {
      if (!response.ok && response.status !== 422) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    }).then(function (answer) {
      if (request === latest) {
        show(answer);
        earlier(address, request);
      }
    }).catch(function () {
      if (request === latest) {
        lastKey = null;  // try again on the next change
        region.textContent = region.getAttribute("data-unavailable");
      }
    });
  }

  function show(answer) {
    region.innerHTML = answer.html;  // rendered and escaped by the server (intake/_address_result.html)
    var found = region.querySelector("input[type=hidden][name=bag_id]");
    if (found) {
      fill(found, false);
    }
  }

  // Eerder in beeld (phone intake only): how often the address was in view before, and when; no content.
  var earlierRegion = document.getElementById("earlier-in-view");
  function earlier(address, request) {
    if (!earlierRegion) {
      return;
    }
    fetch(earlierRegion.getAttribute("data-earlier-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": token ? token.value : ""},
      body: JSON.stringify({postcode: address.postcode, house_number: address.house_number})
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer && request === latest) {
        earlierRegion.innerHTML = answer.html;  // rendered and escaped by the server (people/_earlier_count.html)
        earlierRegion.hidden = false;
      }
    }).catch(function () { earlierRegion.hidden = true; });
  }

  function fill(source, chosen) {
    var parts = [[addition, "addition"], [street, "street"], [city, "city"]];
    parts.forEach(function (part) {
      var input = part[0];
      var value = source.getAttribute("data-" + part[1]) || "";
      var untouched = !input.value || input.value === input.getAttribute("data-filled");
      if (chosen || untouched) {
        input.value = value;
        input.setAttribute("data-filled", value);
      }
    });
  }

  houseNumber.addEventListener("blur", function () { lookup(false); });
  houseNumber.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {  // Enter in the house number looks up; elsewhere it registers the report
      event.preventDefault();
      lookup(true);
    }
  });
  postcode.addEventListener("change", function () { lookup(false); });
  addition.addEventListener("change", function () { lookup(false); });
  region.addEventListener("change", function (event) {
    if (event.target.name === "bag_id" && event.target.type === "radio") {
      fill(event.target, true);
      lastKey = [typed().postcode, typed().house_number, typed().house_number_addition].join("|");
    }
  });
}());
