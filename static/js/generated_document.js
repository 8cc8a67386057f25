// The page of a document made in the background (purna/generated.py, templates/purna/generated_document.html):
// asks its state (JSON) every second, moves the bar, and shows the download link once the document is made,
// or the message and the "try again" button if it failed. Without JavaScript the page shows the state it
// was served with, and reloading it shows the next.
(function () {
  "use strict";

  var root = document.querySelector("[data-document-status]");
  if (!root) return;
  var running = root.querySelector("[data-document-running]");
  var ready = root.querySelector("[data-document-ready]");
  var failed = root.querySelector("[data-document-failed]");
  var failedMessage = root.querySelector("[data-document-failed-message]");
  var bar = root.querySelector("[data-document-bar]");
  var message = root.querySelector("[data-document-message]");
  var link = root.querySelector("[data-document-link]");
  var delay = 1000;

  function show(state) {
    root.dataset.status = state.status;
    // Setting a property of element.style is allowed by the policy; a style="" attribute is not.
    bar.style.width = state.percent + "%";
    bar.textContent = state.percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(state.percent));
    if (state.message) message.textContent = state.message;
    running.hidden = state.ready || state.failed;
    ready.hidden = !state.ready;
    failed.hidden = !state.failed;
    // Why it failed, when the server says (a full disk).
    if (state.failed && state.message) failedMessage.textContent = state.message;
    if (state.ready) link.href = state.download_url;
  }

  function poll() {
    fetch(root.dataset.documentStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.ready && !state.failed) window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A network hiccup: ask again, less often.
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }

  if (running && !running.hidden) window.setTimeout(poll, delay);
})();
