// Halqa: progressive enhancement only; every page works without this file.
// A live character count under the composer.
document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
  var out = document.getElementById(area.dataset.counter);
  if (!out) return;
  var max = parseInt(area.getAttribute("maxlength") || "0", 10);
  var update = function () { out.textContent = max ? area.value.length + " / " + max : ""; };
  area.addEventListener("input", update);
  update();
});
