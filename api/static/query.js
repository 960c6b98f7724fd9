// The query page's editor: YASGUI (@zazuko/yasgui, installed at set-up) over this server's endpoint.
// Configuration comes from the page (a JSON block; the Content-Security-Policy allows no inline script).
// No outside calls: the LOV and prefix autocompleters are off, the endpoint is fixed, nothing persists.
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  var source = document.getElementById("yasgui-config");
  if (!holder || !source || typeof window.Yasgui !== "function") {
    if (holder) { holder.setAttribute("data-state", "unavailable"); }
    return;
  }
  var config = JSON.parse(source.textContent);
  var prefixes = Object.keys(config.prefixes).map(function (p) {
    return "PREFIX " + p + ": <" + config.prefixes[p] + ">";
  }).join("\n");
  var Yasgui = window.Yasgui;
  if (Yasgui.Yasqe && Yasgui.Yasqe.defaults) { Yasgui.Yasqe.defaults.autocompleters = ["variables"]; }
  var first = config.examples[0];
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; }, keys: [] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    tabName: first ? first.name : "Query",
    yasqe: { autocompleters: ["variables"], value: first ? first.query : prefixes + "\nSELECT * { ?s ?p ?o } LIMIT 10" },
  });
  // The first example fills the opening tab; each further example gets a tab of its own.
  var opening = yasgui.getTab();
  if (first && opening) { opening.setQuery(first.query); }
  config.examples.slice(1).forEach(function (example) {
    yasgui.addTab(false, { name: example.name, yasqe: { value: example.query },
                           requestConfig: { endpoint: config.endpoint, method: "POST" } });
  });
  window.carekgYasgui = yasgui;
  document.body.classList.add("with-yasgui");
  holder.setAttribute("data-state", "ready");
})();
