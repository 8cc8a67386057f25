// The invitation link's own answer ("Saya akan hadir"), posted as soon as the page opens, so that one
// tap in the email answers. Mail scanners that fetch the link run no script and answer nothing; without
// JavaScript the page shows one big button with the same answer. Posted once per link and browser tab,
// so going back to this page does not answer again over a later change.
(function () {
  "use strict";
  var form = document.querySelector("form[data-rsvp-auto]");
  if (!form) {
    return;
  }
  var key = "purna-rsvp-auto:" + window.location.pathname + window.location.search;
  try {
    if (window.sessionStorage.getItem(key)) {
      return;
    }
    window.sessionStorage.setItem(key, "1");
  } catch (error) {
    // No storage (a private window): post anyway, the same answer twice changes nothing.
  }
  var saving = form.querySelector("[data-rsvp-saving]");
  if (saving) {
    saving.hidden = false;
  }
  form.submit();
})();
