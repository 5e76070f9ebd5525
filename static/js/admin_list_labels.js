// Wagtail's "+" buttons in a list block are icons titled "Add". A list declared with
// pages.blocks.add_button_label() carries data-add-label="Add milestone" on its container: write
// those words on its own buttons (not those of lists nested inside it), as they appear.
(function () {
  function label(root) {
    root.querySelectorAll("[data-add-label]").forEach(function (list) {
      var words = list.getAttribute("data-add-label");
      list.querySelectorAll("button[data-streamfield-list-add]").forEach(function (button) {
        if (button.closest("[data-add-label]") !== list || button.dataset.addLabelled) return;
        button.dataset.addLabelled = "1";
        button.setAttribute("title", words);
        button.setAttribute("aria-label", words);
        var text = document.createElement("span");
        text.className = "c-sf-add-button__label";
        text.textContent = words;
        button.appendChild(text);
      });
    });
  }
  function start() {
    label(document);
    new MutationObserver(function () { label(document); }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
