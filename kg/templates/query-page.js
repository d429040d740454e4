
const examples = JSON.parse(document.getElementById("examples").textContent);
const box = document.getElementById("query");
const pick = document.getElementById("example");
const out = document.getElementById("out");
const status = document.getElementById("status");
pick.addEventListener("change", () => { if (examples[pick.value]) box.value = examples[pick.value]; });
function cell(term) {
  if (!term) return "";
  if (term.type === "uri") return "<" + term.value + ">";
  if (term["xml:lang"]) return term.value + " @" + term["xml:lang"];
  return term.value;
}
document.getElementById("run").addEventListener("click", async () => {
  out.replaceChildren();
  status.textContent = "running...";
  const t0 = performance.now();
  const response = await fetch("sparql", {
    method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
    body: new URLSearchParams({query: box.value}),
  });
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  const type = response.headers.get("Content-Type") || "";
  const cut = response.headers.get("X-KG-Truncated") ? " (truncated)" : "";
  if (!response.ok || !type.startsWith("application/sparql-results+json")) {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    out.append(pre);
    status.textContent = response.status + " " + response.statusText + " in " + seconds + " s";
    return;
  }
  const data = await response.json();
  if ("boolean" in data) { status.textContent = "answer: " + data.boolean; return; }
  const table = document.createElement("table");
  const head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement("th"); th.textContent = v; head.append(th); }
  for (const row of data.results.bindings) {
    const tr = table.insertRow();
    for (const v of data.head.vars) tr.insertCell().textContent = cell(row[v]);
  }
  out.append(table);
  status.textContent = data.results.bindings.length + " rows" + cut + " in " + seconds + " s";
});
