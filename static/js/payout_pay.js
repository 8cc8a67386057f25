// The payment form of a payout: only the fields of the chosen way of paying, the ceremony for cash at an
// event, the account for a transfer.
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=pay-form]");
  if (!form) return;
  const fields = {event: ["event"], transfer: ["bank_name", "account_number", "account_holder"]};
  function show() {
    const method = (form.querySelector("input[name=method]:checked") || {}).value;
    fields.event.forEach(name => form.querySelector(`[data-field=${name}]`).hidden = method === "transfer");
    fields.transfer.forEach(name => form.querySelector(`[data-field=${name}]`).hidden = method === "tunai_acara");
  }
  form.querySelectorAll("input[name=method]").forEach(radio => radio.addEventListener("change", show));
  show();
})();
