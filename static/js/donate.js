// Progressive enhancement for the donate form; it works without this file.
// - shows the preset amounts of the chosen currency and frequency (the no-JS path uses a
//   "Show the amounts" button that asks the server), and
// - stops a second click from sending the form twice (the server also refuses a second
//   checkout for the same form).
(function () {
  "use strict";
  var form = document.querySelector("[data-donate-form]");
  if (!form) { return; }
  document.documentElement.classList.add("js");

  function checkedValue(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function showPresets() {
    var currency = checkedValue("currency");
    var frequency = checkedValue("frequency");
    form.querySelectorAll(".amount-group").forEach(function (group) {
      var current = group.dataset.currency === currency && group.dataset.frequency === frequency;
      group.hidden = !current;
      group.querySelectorAll("input").forEach(function (input) {
        input.disabled = !current;
        if (!current) { input.checked = false; }
      });
    });
    form.querySelectorAll("[data-currency-name]").forEach(function (el) { el.textContent = currency; });
  }

  form.querySelectorAll("[data-preset-switch]").forEach(function (input) {
    input.addEventListener("change", showPresets);
  });

  var custom = form.querySelector('input[name="custom_amount"]');
  var other = form.querySelector("#amount-other");
  if (custom && other) {
    custom.addEventListener("input", function () { if (custom.value) { other.checked = true; } });
  }

  form.addEventListener("submit", function (event) {
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    var button = form.querySelector("[data-submit]");
    if (button) {
      button.disabled = true;
      button.textContent = "Opening the secure payment page…";
    }
  });

  // Coming back from Stripe with the browser's Back button restores the page as it was left.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    form.dataset.submitting = "";
    var button = form.querySelector("[data-submit]");
    if (button) { button.disabled = false; button.textContent = "Continue to secure payment"; }
  });

  var focusTarget = document.querySelector("[data-focus-on-load]");
  if (focusTarget) { focusTarget.focus(); }
})();
