
const examples = JSON.parse(document.getElementById("examples").textContent);
const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
const status = document.getElementById("status");
const Yasqe = Yasgui.Yasqe;
// kg's prefixes for completion, from the page (never fetched from prefix.cc); no remote
// autocompleters (the class and property ones ask LOV over the network).
Yasqe.forkAutocompleter("prefixes", {
  name: "kgPrefixes",
  persistenceId: null,
  get: () => Promise.resolve(Object.keys(prefixes).sort().map((p) => p + ": <" + prefixes[p] + ">")),
}, false);
// Set as defaults too: YASGUI merges configured lists into its defaults index by index.
Yasqe.defaults.autocompleters = ["kgPrefixes", "variables"];
if (Yasgui.defaults.yasqe) Yasgui.defaults.yasqe.autocompleters = ["kgPrefixes", "variables"];
const yasgui = window.yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: new URL("sparql", document.baseURI).href, method: "POST" },
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: { getData: () => [] },
  persistenceId: null,
  populateFromUrl: false,
  yasqe: {
    value: "SELECT ?entity ?label WHERE {\n  ?entity a jkt:Country ; rdfs:label ?label\n}\nLIMIT 20",
    autocompleters: ["kgPrefixes", "variables"],
    createShareableLink: null,
    consumeShareLink: null,
    persistenceId: null,
  },
  yasr: { persistenceId: null, prefixes: prefixes, pluginOrder: ["table", "response"], defaultPlugin: "table" },
});
const pick = document.getElementById("example");
pick.addEventListener("change", () => {
  const text = examples[pick.value];
  if (!text) return;
  const tab = yasgui.getTab();
  tab.setQuery(text);
  tab.getYasqe().query();
});
function showCount(tab) {
  const results = tab.getYasr().results;
  if (!results) { status.textContent = ""; return; }
  const error = results.getError && results.getError();
  status.textContent = error ? "error " + (error.status || "") : (results.getBindings ? results.getBindings().length + " rows" : "");
}
// After YASR has taken the answer (its draw follows the response event).
yasgui.on("queryResponse", (instance, tab) => setTimeout(() => showCount(tab), 0));
