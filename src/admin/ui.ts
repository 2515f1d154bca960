// A one-page web UI over the JSON API: pick a Gateway, see its resources,
// status, config errors, validation failures and connected proxies.
export function uiPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>switchyard</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh}
nav{width:260px;border-right:1px solid #ddd;padding:12px;overflow:auto}
main{flex:1;padding:12px;overflow:auto}
nav button{display:block;width:100%;text-align:left;margin:2px 0;padding:6px;border:1px solid #ccc;background:#fafafa;cursor:pointer}
nav button.active{background:#e6f0ff;border-color:#88a}
pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;word-break:break-all}
h2{font-size:15px;margin:16px 0 4px}
.bad{color:#b00}
</style></head>
<body><nav><h1 style="font-size:16px">switchyard</h1><div id="ready"></div><h2>Gateways</h2><div id="gateways"></div>
<h2>Other</h2><button data-view="status">Status</button><button data-view="errors">Config errors</button>
<button data-view="validation">Validation</button><button data-view="nodes">Proxies</button></nav>
<main><h2 id="title">Select a Gateway</h2><pre id="body"></pre></main>
<script>
const $ = (id) => document.getElementById(id);
async function get(path) { const r = await fetch(path); return r.json(); }
function show(title, data) { $("title").textContent = title; $("body").textContent = JSON.stringify(data, null, 2); }
function activate(btn) { document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("active", b === btn)); }
async function load() {
  const ready = await fetch("/readyz");
  $("ready").innerHTML = ready.ok ? "ready" : '<span class="bad">not ready</span>';
  const snaps = await get("/api/snapshots");
  const list = $("gateways"); list.textContent = "";
  for (const s of snaps) {
    const b = document.createElement("button");
    b.textContent = s.key + " (" + Object.values(s.counts).reduce((a, c) => a + c, 0) + ")";
    b.dataset.key = s.key;
    b.onclick = async () => { activate(b); show("Gateway " + s.key + " @ " + s.version, await get("/api/snapshots/" + s.key)); };
    list.appendChild(b);
  }
}
document.querySelectorAll("button[data-view]").forEach((b) => {
  b.onclick = async () => { activate(b); show(b.textContent, await get("/api/" + b.dataset.view)); };
});
load();
</script></body></html>`;
}
