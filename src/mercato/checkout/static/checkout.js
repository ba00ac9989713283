// Mercato's hosted checkout: small comforts for the card form. The page works without it.
(function () {
  "use strict";
  var form = document.querySelector("[data-pay-form]");
  if (!form) { return; }
  var number = form.querySelector("#number");
  var expiry = form.querySelector("#expiry");
  var button = form.querySelector(".pay-button");
  var label = button.textContent;

  // 4242424242424242 -> 4242 4242 4242 4242 as it is typed (Amex: 4-6-5).
  number.addEventListener("input", function () {
    var digits = number.value.replace(/\D/g, "").slice(0, 19);
    var groups = /^3[47]/.test(digits) ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var parts = [], at = 0;
    for (var i = 0; i < groups.length && at < digits.length; i++) {
      parts.push(digits.slice(at, at + groups[i]));
      at += groups[i];
    }
    number.value = parts.join(" ");
  });

  // 1228 -> 12 / 28
  expiry.addEventListener("input", function (event) {
    if (event.inputType && event.inputType.indexOf("delete") === 0) { return; }
    var digits = expiry.value.replace(/\D/g, "").slice(0, 4);
    if (digits.length === 1 && digits > "1") { digits = "0" + digits; }
    expiry.value = digits.length > 2 ? digits.slice(0, 2) + " / " + digits.slice(2) : digits;
  });

  // One press of Pay: the button is disabled while the payment goes through. (The gateway
  // charges once whatever happens; this only saves the customer a confusing wait.)
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-submitted")) { event.preventDefault(); return; }
    form.setAttribute("data-submitted", "true");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = button.getAttribute("data-busy-label");
  });

  // Back to this page from the browser's history: the form may be used again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      form.removeAttribute("data-submitted");
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = label;
    }
  });
})();
