// A product thumbnail that cannot load (an image still processing, a CDN out of reach) is hidden
// rather than shown as a broken image; the product's name stays.
(function () {
  function hideIfBroken(img) {
    if (img.complete && img.naturalWidth === 0) img.hidden = true;
  }
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("img.thumb")) target.hidden = true;
  }, true);
  function sweep() { document.querySelectorAll("img.thumb").forEach(hideIfBroken); }
  document.addEventListener("DOMContentLoaded", sweep);
  document.addEventListener("htmx:afterSettle", sweep);
  if (document.readyState !== "loading") sweep();
})();
