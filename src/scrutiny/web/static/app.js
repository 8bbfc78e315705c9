/* Progressive enhancement for the dashboard. Every page works without this file.
 * - Filter forms (crime explorer, area comparison, map) update in place when sent: nothing
 *   loads while a person moves through a menu (WCAG 3.2.2), only on "Show".
 * - Tables with sortable columns sort in place (without JS the headers are links that sort on
 *   the server).
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
      if (spec.usermeta && spec.usermeta.narrow === "short" && figure.clientWidth < 600) {
        // Squeezed to a phone's width, ranked bars' labels ("16.04 (special cause: improvement)")
        // and the axis title ran off the edge: there a bar is labelled with its figure alone
        // (its colour and the legend, one column, give the reading; the page's text names the
        // measure, and the table beside the chart has every reading in words).
        // The legend sits under the plot, right of the area names: its labels get what is left.
        var names = 0, longest = 0, chars = 0;
        (spec.data.values || []).forEach(function (v) {
          v.label = String(v.label).split(" (")[0];
          names = Math.max(names, String(v.area).length);
          longest = Math.max(longest, Number(v.value) || 0);
          chars = Math.max(chars, v.label.length);
        });
        // The longest bar's label is drawn past its end: leave it room inside the plot, or the
        // figure of the highest area is cut off at the page's edge.
        var plot = Math.max(80, figure.clientWidth - Math.min(names * 6.2 + 8, 260) - 16);
        var room = Math.min(plot - 40, chars * 6.5 + 10);
        (spec.layer || []).forEach(function (layer) {
          var enc = layer.encoding || {};
          if (enc.x && enc.x.scale && longest > 0) {
            enc.x.scale.domainMax = Math.max(enc.x.scale.domainMax || 0, longest * plot / (plot - room));
          }
          if (enc.x && enc.x.title) { enc.x.title = null; }
          if (enc.color && enc.color.legend) {
            enc.color.legend.columns = 1;
            enc.color.legend.labelFontSize = 11;
            enc.color.legend.labelLimit = Math.max(80, figure.clientWidth - Math.min(names * 6.2 + 8, 260) - 30);
          }
        });
      }
      if (typeof spec.width === "number") {
        // Fit the page's width (a phone shows the whole series, latest month included).
        spec.width = "container";
        spec.autosize = { type: "fit-x", contains: "padding" };
      }
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

  function formUrl(form) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return; }
      // An area of another level is kept: the server moves to the nearest area of the new one.
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
        enhanceSorting(main);
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
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        load(formUrl(form), true);
      });
    });
  }

  function cellValue(cell) {
    var v = cell.getAttribute("data-value");
    if (v !== null) { return v === "" ? null : parseFloat(v); }
    return (cell.textContent || "").trim().toLowerCase();
  }

  function sortTable(table, index, button) {
    var body = table.tBodies[0];
    var th = button.parentNode;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }   // no figure: always last
      if (y === null) { return -1; }
      var order = x < y ? -1 : (x > y ? 1 : 0);
      return ascending ? order : -order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.querySelectorAll("th[aria-sort]"), function (h) {
      h.setAttribute("aria-sort", "none");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    announce("Sorted by " + button.textContent.trim() + (ascending ? ", ascending" : ", descending"));
  }

  function enhanceSorting(root) {
    var tables = root.querySelectorAll("table[data-sortable]");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = table.tHead ? table.tHead.rows[0].cells : [];
      Array.prototype.forEach.call(heads, function (th, index) {
        if (th.getAttribute("data-sort") === null || th.querySelector("button.sort")) { return; }
        var link = th.querySelector("a");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        button.textContent = (link || th).textContent.trim();
        if (!th.getAttribute("aria-sort")) { th.setAttribute("aria-sort", "none"); }
        th.textContent = "";
        th.appendChild(button);
        button.addEventListener("click", function () { sortTable(table, index, button); });
      });
    });
  }

  function bindApiForms(root) {
    // /docs: put path parameters into the address and leave out empty optional ones.
    Array.prototype.forEach.call(root.querySelectorAll("form.api-try"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var path = form.getAttribute("data-path") || form.getAttribute("action");
        var params = new URLSearchParams();
        Array.prototype.forEach.call(form.elements, function (el) {
          if (!el.name) { return; }
          if (el.getAttribute("data-in-path")) {
            path = path.replace("{" + el.name + "}", encodeURIComponent(el.value));
          } else if (el.value !== "") {
            params.append(el.name, el.value);
          }
        });
        var query = params.toString();
        window.location.assign(path + (query ? "?" + query : ""));
      });
    });
  }

  function bindStaticSearch(root) {
    // The static site: filter the lists of areas as the name is typed (no server to ask).
    var form = root.querySelector("[data-static-search]");
    if (!form) { return; }
    var input = form.querySelector("input[name=q]");
    var items = root.querySelectorAll("[data-area-list] li");
    function filter() {
      var words = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(items, function (li) {
        var hit = !words || li.textContent.toLowerCase().indexOf(words) !== -1;
        li.hidden = !hit;
        if (hit) { shown += 1; }
      });
      announce(shown + " areas match");
    }
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(filter, 400);  // after typing settles
    });
  }

  window.addEventListener("popstate", function () { load(window.location.href, false); });
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    bindForms(document);
    enhanceCharts(document);
    enhanceSorting(document);
    bindApiForms(document);
    bindStaticSearch(document);
  });
})();
