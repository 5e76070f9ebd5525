// Progressive enhancement: the language switcher keeps the choices made on the donate form.
// Without this file the switcher still carries the choices the page was opened with (they are in
// its address); with it, a currency, frequency or amount picked on the page goes along too, so a
// donor who switches language mid-form finds their gift as they left it.
(function () {
  "use strict";
  var form = document.querySelector("[data-donate-form]");
  var links = document.querySelectorAll("a[data-carries-choices]");
  if (!form || !links.length) { return; }

  function update() {
    var data = new FormData(form);
    Array.prototype.forEach.call(links, function (link) {
      var names = link.getAttribute("data-carries-choices").split(" ");
      var query = new URLSearchParams();
      names.forEach(function (name) {
        data.getAll(name).forEach(function (value) {
          if (typeof value === "string" && value.trim() !== "") { query.append(name, value); }
        });
      });
      var url = new URL(link.href, window.location.href);
      url.search = query.toString();
      link.href = url.toString();
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
