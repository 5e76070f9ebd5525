// Progressive enhancement for the donate form; it works without this file.
// - shows the preset amounts of the chosen currency and frequency, with that choice's default
//   amount chosen (the no-JS path uses a "Show the amounts" button that asks the server),
// - puts the gift on the button ("Give ₱1,000 a month"; the server, which cannot know what a
//   donor picks before sending, writes a plain "Give"), and
// - stops a second click from sending the form twice (the server also refuses a second
//   checkout for the same form).
(function () {
  "use strict";
  var form = document.querySelector("[data-donate-form]");
  if (!form) { return; }
  document.documentElement.classList.add("js");
  var button = form.querySelector("[data-submit]");
  var custom = form.querySelector('input[name="custom_amount"]');
  var symbols = { PHP: "₱", USD: "US$" };

  function checkedValue(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function customDisplay(currency) {
    var text = (custom && custom.value || "").replace(/[\s,₱$]|PHP|USD|US/gi, "");
    if (!/^\d+(\.\d{1,2})?$/.test(text) || Number(text) <= 0) { return ""; }
    var amount = Number(text);
    var digits = amount % 1 === 0 ? 0 : 2;
    return symbols[currency] + amount.toLocaleString("en-US", {
      minimumFractionDigits: digits, maximumFractionDigits: digits
    });
  }

  function labelButton() {
    if (!button || form.dataset.submitting === "1") { return; }
    var gift = customDisplay(checkedValue("currency"));
    if (!gift && !(custom && custom.value.trim())) {
      var chosen = form.querySelector('input[name="amount_choice"]:checked');
      gift = chosen ? chosen.dataset.gift : "";
    }
    var template = checkedValue("frequency") === "monthly" ? form.dataset.giveMonthly : form.dataset.giveOnce;
    button.textContent = gift ? template.replace("{amount}", gift) : button.dataset.plain;
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
        if (current && input.hasAttribute("data-default") && !(custom && custom.value.trim())) {
          input.checked = true;
        }
      });
    });
    form.querySelectorAll("[data-currency-name]").forEach(function (el) { el.textContent = symbols[currency]; });
    labelButton();
  }

  if (button) { button.dataset.plain = button.textContent; }
  form.querySelectorAll("[data-preset-switch]").forEach(function (input) {
    input.addEventListener("change", showPresets);
  });
  form.querySelectorAll('input[name="amount_choice"]').forEach(function (input) {
    // Choosing a preset empties the other amount, which would otherwise win on the server.
    input.addEventListener("change", function () { if (custom) { custom.value = ""; } labelButton(); });
  });
  if (custom) {
    custom.addEventListener("input", function () {
      if (custom.value.trim()) {
        form.querySelectorAll('input[name="amount_choice"]:checked').forEach(function (input) { input.checked = false; });
      }
      labelButton();
    });
  }

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.name === "refresh") { return; }
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    if (button) {
      button.disabled = true;
      button.textContent = form.dataset.giveBusy;
    }
  });

  // Coming back from Stripe with the browser's Back button restores the page as it was left.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    form.dataset.submitting = "";
    if (button) { button.disabled = false; }
    labelButton();
  });

  labelButton();
  var focusTarget = document.querySelector("[data-focus-on-load]");
  if (focusTarget) { focusTarget.focus(); }
})();
