// Index tables with bulk actions, as Polaris' IndexTable: a select-all checkbox for the rows of the
// page, the bulk actions shown once a row is selected ("3 selected"), and, when every row of the page
// is selected, "Select all N matching" where the page offers it. Without this script the page still
// works: every action stays in view and rows are ticked one by one.
//
// Markup (inside one element marked `data-bulk`):
//   input[data-bulk-page]        the select-all checkbox (rendered `hidden`: useless without script)
//   input[data-bulk-row]         one per selectable row
//   [data-bulk-idle]             what the toolbar says while nothing is selected
//   [data-bulk-bar]              the actions; [data-bulk-count] inside says how many are selected
//   [data-bulk-live]             a polite live region that announces the count
//   button[data-bulk-matching]   "Select all N matching" (its data-selected-label: the count text then)
//   button[data-bulk-clear]      clears the selection
//   [data-bulk-hint]             shown while every row of the page is selected (why not all matching)
//   [data-bulk-scope]            "selected": shown unless all matching is selected; "filter": only then
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function setup(box) {
    if (box.hasAttribute("data-bulk-ready")) return;
    box.setAttribute("data-bulk-ready", "");
    var page = box.querySelector("input[data-bulk-page]");
    var bar = box.querySelector("[data-bulk-bar]");
    var idle = box.querySelector("[data-bulk-idle]");
    var count = box.querySelector("[data-bulk-count]");
    var live = box.querySelector("[data-bulk-live]");
    var matchingButton = box.querySelector("button[data-bulk-matching]");
    var clear = box.querySelector("button[data-bulk-clear]");
    var hint = box.querySelector("[data-bulk-hint]");
    var toolbar = bar && bar.parentElement;
    var matching = false;
    var last = -1;

    function rows() { return Array.prototype.slice.call(box.querySelectorAll("input[data-bulk-row]")); }
    if (!bar || !page) return;
    if (!rows().length) {
      // Nothing on this page can be selected: no actions to offer.
      bar.hidden = true;
      return;
    }
    page.hidden = false;
    if (clear) clear.hidden = false;

    function render() {
      var all = rows();
      var selected = all.filter(function (row) { return row.checked; }).length;
      var whole = selected > 0 && selected === all.length;
      if (!whole) matching = false;
      page.checked = whole;
      page.indeterminate = selected > 0 && !whole;
      bar.hidden = selected === 0;
      if (idle) idle.hidden = selected > 0;
      if (toolbar) toolbar.toggleAttribute("data-selected", selected > 0);
      var text = matching && matchingButton ? matchingButton.getAttribute("data-selected-label") : selected + " selected";
      if (count) count.textContent = text;
      if (live) live.textContent = selected ? text : "Selection cleared";
      if (matchingButton) matchingButton.hidden = matching || !whole;
      if (hint) hint.hidden = !whole;
      each(box.querySelectorAll("[data-bulk-scope]"), function (el) {
        el.hidden = (el.getAttribute("data-bulk-scope") === "filter") !== matching;
      });
    }

    function setAll(checked) {
      each(rows(), function (row) { row.checked = checked; });
      if (!checked) matching = false;
      render();
    }

    page.addEventListener("change", function () { setAll(page.checked); });
    box.addEventListener("click", function (e) {
      var row = e.target.closest && e.target.closest("input[data-bulk-row]");
      if (!row) return;
      var all = rows();
      var at = all.indexOf(row);
      if (e.shiftKey && last >= 0 && last !== at) {
        // Shift-click ticks (or clears) every row between the last one clicked and this one.
        var from = Math.min(last, at), to = Math.max(last, at);
        for (var i = from; i <= to; i++) all[i].checked = row.checked;
      }
      last = at;
    });
    box.addEventListener("change", function (e) {
      if (e.target.hasAttribute && e.target.hasAttribute("data-bulk-row")) render();
    });
    if (matchingButton) {
      matchingButton.addEventListener("click", function () {
        matching = true;
        render();
        // The button just clicked is gone: focus goes to the action that now applies.
        var scope = box.querySelector('[data-bulk-scope="filter"]');
        var act = scope && (scope.matches("button") ? scope : scope.querySelector("button"));
        if (act && !act.disabled) act.focus();
      });
    }
    if (clear) {
      clear.addEventListener("click", function () { setAll(false); page.focus(); });
    }
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !bar.hidden) { setAll(false); page.focus(); }
    });
    render();
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.hasAttribute && root.hasAttribute("data-bulk")) setup(root);
    each(root.querySelectorAll("[data-bulk]"), setup);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  // htmx swaps pages in (boosted links and forms inside Shopify admin): set up what it brings.
  document.addEventListener("htmx:load", function (e) { scan(e.detail && e.detail.elt); });
  if (document.readyState !== "loading") scan(document);
})();
