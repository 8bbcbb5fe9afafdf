// Settings: show only the credentials of the chosen JOOR API generation (v2: a token; v4: the OAuth
// fields). Without JavaScript every field stays visible, each marked with its generation.
(function () {
  function apply(select) {
    var form = select.form;
    if (!form) return;
    form.querySelectorAll("[data-api]").forEach(function (field) {
      field.hidden = field.getAttribute("data-api") !== select.value;
    });
  }
  function init() {
    var select = document.getElementById("s-gen");
    if (!select || select.dataset.apiToggle) return;
    select.dataset.apiToggle = "1";
    select.addEventListener("change", function () { apply(select); });
    apply(select);
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
  if (document.readyState !== "loading") init();
})();
