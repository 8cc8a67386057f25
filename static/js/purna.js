// Purna's small behaviours, on every page. The Content-Security-Policy (purna/settings.py) runs no inline
// script, event handler or style attribute, so pages ask for them with data- attributes instead:
//   data-confirm="Question?"            on a form: asks before it is sent (cancel keeps the page)
//   data-submit-on-change               on a field: sends its form when it changes (the language switch)
//   data-check-all="selector"           on a button: ticks every checkbox the selector finds
//   data-toggle-all="selector"          on a checkbox: ticks or unticks every checkbox the selector finds
//   data-progress="42"                  on a bar: its width in percent (a style attribute would be blocked)
//   data-copy-target="id"               on a button: copies the text of the field with that id
// Listeners sit on the document, so parts that htmx swaps in later work the same.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-submit-on-change]") && field.form) field.form.submit();
    if (field.matches("[data-toggle-all]")) {
      document.querySelectorAll(field.dataset.toggleAll).forEach(function (box) {
        box.checked = field.checked;
      });
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    field.select();
    if (navigator.clipboard) navigator.clipboard.writeText(field.value);
    else document.execCommand("copy");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-check-all]");
    if (!button) return;
    document.querySelectorAll(button.dataset.checkAll).forEach(function (box) {
      box.checked = true;
    });
  });

  function showProgress(root) {
    // Setting a property of element.style is allowed by the policy; a style="" attribute is not.
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0)) + "%";
    });
  }
  showProgress(document);
  // htmx announces every part it swaps in (the progress partials poll every second).
  document.addEventListener("htmx:load", function (event) {
    showProgress(event.target.parentElement || document);
  });
})();
