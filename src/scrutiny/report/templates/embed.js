/* Draw each chart with the bundled Vega runtime; the static SVG stays if anything fails. */
(function () {
  var nodes = document.querySelectorAll("[data-spec]");
  Array.prototype.forEach.call(nodes, function (el) {
    var source = document.getElementById(el.getAttribute("data-spec"));
    if (!source || typeof vegaEmbed !== "function") { return; }
    var spec = JSON.parse(source.textContent);
    var fallback = el.innerHTML;
    el.innerHTML = "";
    vegaEmbed(el, spec, { actions: false, renderer: "svg" }).catch(function () {
      el.innerHTML = fallback;
    });
  });
})();
