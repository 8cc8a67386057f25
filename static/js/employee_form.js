// The employee form: jenjang and rumpun only for a jabatan fungsional, the contract end only for a PPPK.
// Hidden fields are disabled so they are not sent; the service checks the same rules on the server.
(function () {
  "use strict";
  function toggle(selector, show) {
    document.querySelectorAll(selector).forEach(function (block) {
      block.hidden = !show;
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !show;
      });
    });
  }
  function update() {
    var jenis = document.getElementById("id_jenis_jabatan");
    var asnType = document.getElementById("id_asn_type");
    if (jenis) toggle(".js-fungsional", jenis.value === "fungsional");
    if (asnType) toggle(".js-pppk", asnType.value === "PPPK");
  }
  document.addEventListener("DOMContentLoaded", function () {
    ["id_jenis_jabatan", "id_asn_type"].forEach(function (id) {
      var field = document.getElementById(id);
      if (field) field.addEventListener("change", update);
    });
    update();
  });
})();
