/* Progressive enhancement for the dashboard. Every page works without this file.
 * - Filter forms (crime explorer, area comparison) update in place when a menu changes.
 * - Charts become interactive (tooltips) when the bundled Vega runtime is present.
 */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announce");
    if (region) { region.textContent = ""; window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  function enhanceCharts(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    var figures = root.querySelectorAll("figure.chart");
    Array.prototype.forEach.call(figures, function (figure) {
      var holder = figure.querySelector(".chart-svg");
      var specEl = figure.querySelector("script.vega-spec");
      if (!holder || !specEl || figure.getAttribute("data-enhanced")) { return; }
      var spec;
      try { spec = JSON.parse(specEl.textContent); } catch (e) { return; }
      var target = document.createElement("div");
      target.className = "chart-vega";
      target.setAttribute("aria-hidden", "true");
      window.vegaEmbed(target, spec, {
        ast: true,            // the CSP-safe expression interpreter: no eval
        actions: false,
        renderer: "svg",
        defaultStyle: false,  // no injected <style>: the CSP allows only app.css
        tooltip: { disableDefaultStyle: true }
      })
        .then(function () {
          holder.classList.add("visually-hidden");
          holder.parentNode.insertBefore(target, holder);
          figure.setAttribute("data-enhanced", "vega");
        })
        .catch(function () { /* keep the server's SVG */ });
    });
  }

  function formUrl(form, changed) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return; }
      // A new level has other areas (and quarters): let the server choose them.
      if (changed === "level" && (el.name === "area")) { return; }
      params.append(el.name, el.value);
    });
    return form.getAttribute("action") + "?" + params.toString();
  }

  function load(url, push, focusId) {
    var main = document.getElementById("main");
    document.body.classList.add("is-loading");
    return fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("main");
        if (!fresh) { throw new Error("no main"); }
        var active = focusId || (document.activeElement && document.activeElement.id);
        main.innerHTML = fresh.innerHTML;
        document.title = doc.title;
        if (push) { window.history.pushState({ url: url }, "", url); }
        bindForms(main);
        enhanceCharts(main);
        if (active && document.getElementById(active)) { document.getElementById(active).focus(); }
        var heading = document.getElementById("results-title");
        announce("Updated: " + (heading ? heading.textContent : doc.title));
      })
      .catch(function () { window.location.assign(url); })
      .then(function () { document.body.classList.remove("is-loading"); });
  }

  function bindForms(root) {
    var forms = root.querySelectorAll("form[data-enhance]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("change", function (event) {
        var target = event.target || {};
        load(formUrl(form, target.name), true, target.id);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        load(formUrl(form, null), true);
      });
    });
  }

  window.addEventListener("popstate", function () { load(window.location.href, false); });
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    bindForms(document);
    enhanceCharts(document);
  });
})();
