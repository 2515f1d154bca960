// switchyard's admin UI: plain ES modules, no build step. Every view reads the JSON API
// (/api/*) and re-reads it when /api/events says something changed. All text goes in through
// textContent, never innerHTML, so object names cannot inject markup.

const $ = (sel) => document.querySelector(sel);

/** h("td.mono", {title}, child, ...): an element; strings become text nodes. */
function h(tag, props, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  if (props && (typeof props !== "object" || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = undefined;
  }
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className += ` ${v}`;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function get(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ?? `${path}: HTTP ${r.status}`);
  return body;
}

// ---------- shared pieces ----------

const NEGATIVE = new Set(["Conflicted", "OverlappingTLSConfig", "PartiallyInvalid"]);
function condClass(c) {
  if (c.status === "Unknown") return "warn";
  const good = NEGATIVE.has(c.type) ? c.status === "False" : c.status === "True";
  return good ? "ok" : "bad";
}

/** Condition chips; a bad one shows its reason and message under it. */
function conditions(conds, { messages = true } = {}) {
  const chips = h("div.chips", (conds ?? []).map((c) => h(`span.chip.${condClass(c)}`, { title: `${c.type}=${c.status} ${c.reason}: ${c.message}` }, `${c.type}${c.status === "True" ? "" : `=${c.status}`}`)));
  const bad = messages ? (conds ?? []).filter((c) => condClass(c) !== "ok") : [];
  return h("div", chips, bad.map((c) => h("div.cond-msg", h("strong", c.reason), ": ", c.message)));
}

function table(headers, rows, empty = "Nothing here.") {
  if (!rows.length) return h("div.empty", empty);
  return h("table", h("thead", h("tr", headers.map((x) => h("th", x)))), h("tbody", rows));
}

function stateChip(state) {
  const cls = { SYNCED: "ok", NACKED: "bad", STALE: "warn", "NOT SENT": "warn" }[state] ?? "neutral";
  return h(`span.chip.${cls}`, state);
}

function short(v) {
  return v ? String(v).slice(0, 10) : "—";
}

/** Raw JSON in the side drawer. */
function showJson(title, value) {
  $("#drawer-title").textContent = title;
  $("#drawer-body").textContent = JSON.stringify(value, null, 2);
  $("#drawer").hidden = false;
}
$("#drawer-close")?.addEventListener("click", () => ($("#drawer").hidden = true));
document.addEventListener("keydown", (e) => e.key === "Escape" && ($("#drawer").hidden = true));

function jsonButton(title, value) {
  return h("button", { title: "raw JSON", "data-json": title, onclick: () => showJson(title, typeof value === "function" ? value() : value) }, "{ }");
}

/** The raw snapshot of a Gateway, fetched once per version. */
const rawCache = new Map();
async function rawSnapshot(key, version) {
  const hit = rawCache.get(key);
  if (hit && hit.version === version) return hit;
  const snap = await get(`/api/snapshots/${key}`);
  rawCache.set(key, snap);
  return snap;
}
function rawOf(snap, type, name) {
  const field = type === "endpoint" ? "clusterName" : "name";
  return (snap.resources[type] ?? []).find((r) => r[field] === name) ?? { error: `${type} ${name} is not in the snapshot` };
}

function route() {
  const [path, query = ""] = location.hash.slice(1).split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}
const gwLink = (key, tab = "", q = "") => `#/gateway/${key}${tab ? `/${tab}` : ""}${q ? `?${q}` : ""}`;

// ---------- header ----------

function renderHeader(s) {
  const health = $("#health");
  if (!s.ready) {
    health.className = "pill bad";
    health.textContent = "not ready";
  } else if (s.problems > 0) {
    health.className = "pill warn";
    health.textContent = `serving, ${s.problems} problem${s.problems === 1 ? "" : "s"}`;
  } else {
    health.className = "pill ok";
    health.textContent = "ready, no problems";
  }
  $("#problem-count").textContent = s.problems ? String(s.problems) : "";
}

// ---------- views ----------

async function overview() {
  const [summary, snaps, statuses, proxies] = await Promise.all([get("/api/summary"), get("/api/snapshots"), get("/api/status"), get("/api/proxies")]);
  const gwStatus = new Map(statuses.filter((s) => s.kind === "Gateway").map((s) => [`${s.target.namespace}/${s.target.name}`, s.status]));
  const routes = statuses.filter((s) => s.parents);
  const synced = proxies.filter((p) => p.state === "SYNCED").length;
  const cards = h(
    "div.cards",
    h("div.card", h("div.n", String(snaps.filter((s) => s.key !== "mesh").length)), h("div.l", "Gateways with a snapshot")),
    h("div.card", h("div.n", String(routes.length)), h("div.l", "routes")),
    h("div.card", h("div.n", `${synced}/${proxies.length}`), h("div.l", "proxies synced")),
    h("a.card", { href: "#/problems", style: "text-decoration:none;color:inherit" }, h(`div.n`, { style: summary.problems ? "color:var(--bad)" : "color:var(--ok)" }, String(summary.problems)), h("div.l", "problems")),
  );
  const gwRows = snaps.map((s) => {
    const st = gwStatus.get(s.key);
    const mine = proxies.filter((p) => p.gateway === s.key);
    return h(
      "tr",
      h("td", h("a.mono", { href: gwLink(s.key) }, s.key)),
      h("td", st ? conditions(st.conditions, { messages: false }) : h("span.muted", s.key === "mesh" ? "mesh clients" : "—")),
      h("td", st ? (st.listeners ?? []).map((l) => h("div", h("span.mono", l.name), " ", h("span.muted", `${l.attachedRoutes} route${l.attachedRoutes === 1 ? "" : "s"}`), " ", h("span.chips", { style: "display:inline-flex" }, (l.conditions ?? []).filter((c) => condClass(c) !== "ok").map((c) => h(`span.chip.${condClass(c)}`, { title: c.message }, `${c.type}=${c.status}`))))) : ""),
      h("td.mono", Object.entries(s.counts).filter(([, n]) => n).map(([t, n]) => `${n} ${t}${n === 1 ? "" : "s"}`).join(", ")),
      h("td", mine.length ? h("div.chips", mine.map((p) => h(`span.chip.${p.state === "SYNCED" ? "ok" : p.state === "NACKED" ? "bad" : "warn"}`, { title: p.node }, `${p.node}: ${p.state}`))) : h("span.muted", "none")),
      h("td.mono", { title: s.version }, short(s.version)),
    );
  });
  const routeRows = routes.flatMap((r) =>
    r.parents.map((p, i) =>
      h(
        "tr",
        h("td", i === 0 ? h("span", h("span.muted", r.kind), " ", h("span.mono", `${r.target.namespace}/${r.target.name}`)) : ""),
        h("td.mono", p.parentRef.kind && p.parentRef.kind !== "Gateway" ? `${p.parentRef.kind} ${p.parentRef.name}` : h("a", { href: gwLink(`${p.parentRef.namespace ?? r.target.namespace}/${p.parentRef.name}`, "routes") }, `${p.parentRef.namespace ?? r.target.namespace}/${p.parentRef.name}${p.parentRef.sectionName ? `/${p.parentRef.sectionName}` : ""}`)),
        h("td", conditions(p.conditions)),
      ),
    ),
  );
  return [
    h("h1", "Overview"),
    cards,
    h("h2", "Gateways"),
    table(["Gateway", "Conditions", "Listeners", "Resources", "Proxies", "Version"], gwRows, "No Gateway of ours has a snapshot yet."),
    h("h2", "Routes"),
    table(["Route", "Parent", "Conditions"], routeRows, "No routes."),
  ];
}

/** The Explain form filled in for a virtual host: its listener's port, a host its domains cover. */
function explainLink(key, tree, v) {
  const listener = tree.listeners.find((l) => l.chains.some((c) => c.routeConfig === v.routeConfig));
  const chain = listener?.chains.find((c) => c.routeConfig === v.routeConfig);
  const domain = v.domains[0] ?? "";
  const host = domain === "*" ? "example.com" : domain.replace(/^\*/, "www").replace(/\*$/, "com");
  const q = new URLSearchParams({ gateway: key, host, path: "/" });
  if (listener?.port) q.set("port", String(listener.port));
  if (chain?.tls || chain?.serverNames.length) q.set("sni", host);
  return `#/explain?${q}`;
}

const TABS = [
  ["listeners", "Listeners"],
  ["routes", "Virtual hosts & routes"],
  ["clusters", "Clusters"],
  ["endpoints", "Endpoints"],
];

async function gateway(key, tab, params) {
  const tree = await get(`/api/gateways/${key}`);
  const raw = await rawSnapshot(key, tree.version);
  const own = tree.gateway.find((g) => !g.where);
  const tabs = h("div.tabs", TABS.map(([id, label]) => h("a", { href: gwLink(key, id), class: id === tab ? "active" : "" }, label)));
  const head = [
    h("h1", h("span.muted", "Gateway"), h("span.mono", key), own ? conditions(own.conditions, { messages: false }) : "", h("button", { onclick: () => showJson(`snapshot ${key}`, raw) }, "raw snapshot")),
    h("div.muted", `snapshot ${tree.version}`),
  ];
  for (const c of own?.conditions.filter((c) => condClass(c) !== "ok") ?? []) head.push(h("div.cond-msg", h("strong", `${c.type}: ${c.reason}`), " ", c.message));
  let body;
  if (tab === "listeners") {
    const status = new Map(tree.gateway.filter((g) => g.where).map((g) => [g.where.replace(/^listener /, ""), g]));
    const rows = tree.listeners.flatMap((l) => [
      h("tr", h("td.mono", l.name), h("td.mono", `${l.port ?? "?"}/${l.protocol}`), h("td", `${l.chains.length} filter chain${l.chains.length === 1 ? "" : "s"}`), h("td", ""), h("td", jsonButton(`listener ${l.name}`, () => rawOf(raw, "listener", l.name)))),
      ...l.chains.map((c) => {
        const gwListener = c.name.split("/").at(-1);
        const st = status.get(gwListener);
        return h(
          "tr.sub",
          h("td.mono", "  └ ", c.name),
          h("td.mono", c.serverNames.length ? `SNI ${c.serverNames.join(", ")}` : c.tls ? "TLS, any SNI" : h("span.muted", "any")),
          h("td", c.handler === "http" ? h("a", { href: gwLink(key, "routes", `rc=${encodeURIComponent(c.routeConfig ?? "")}`) }, `HTTP → ${c.routeConfig}`) : c.handler === "tcp" ? h("span", "TCP → ", (c.clusters ?? []).map((n) => h("a.mono", { href: gwLink(key, "clusters", `cluster=${encodeURIComponent(n)}`) }, n))) : c.handler),
          h("td", st ? [conditions(st.conditions), h("div.muted", `${st.attachedRoutes} attached route${st.attachedRoutes === 1 ? "" : "s"}`)] : ""),
          h("td", ""),
        );
      }),
    ]);
    body = table(["Listener / filter chain", "Port / match", "Handled by", "Gateway listener status", ""], rows, "No listeners.");
  } else if (tab === "routes") {
    const rc = params.get("rc");
    const vhs = tree.virtualHosts.filter((v) => !rc || v.routeConfig === rc);
    const routeStatus = new Map(tree.routes.map((r) => [r.object, r]));
    const rows = vhs.flatMap((v) => [
      h("tr", h("td.mono", { colspan: 2 }, h("strong", v.name)), h("td.mono", v.domains.join(", ")), h("td", h("a", { href: explainLink(key, tree, v) }, "explain a request…")), h("td", jsonButton(`route config ${v.routeConfig}`, () => rawOf(raw, "route", v.routeConfig)))),
      ...v.routes.map((r, i) => {
        const obj = r.source ? r.source.replace(/ rule .*/, "") : undefined;
        const st = obj ? routeStatus.get(obj) : undefined;
        return h(
          "tr.sub",
          h("td.mono", `${i + 1}.`),
          h("td", h("div.mono", r.match), r.source ? h("div.muted.route-src", r.source) : ""),
          h("td", h("div", r.action), r.clusters.map((c) => h("div", h("a.mono", { href: gwLink(key, "clusters", `cluster=${encodeURIComponent(c.name)}`) }, c.name), c.weight !== undefined ? h("span.muted", ` weight ${c.weight}`) : ""))),
          h("td", st ? conditions(st.conditions) : ""),
          h("td", jsonButton(`route ${r.name}`, () => (rawOf(raw, "route", v.routeConfig).virtualHosts ?? []).find((x) => x.name === v.name)?.routes?.[i])),
        );
      }),
    ]);
    body = [rc ? h("div.filter", "Route configuration ", h("span.mono", rc), " · ", h("a", { href: gwLink(key, "routes") }, "show all")) : "", table(["", "Virtual host / match (in order)", "Domains / action", "Route status", ""], rows, "No virtual hosts.")];
  } else if (tab === "clusters") {
    const only = params.get("cluster");
    const rows = tree.clusters.map((c) =>
      h(
        `tr${c.name === only ? ".hl" : ""}`,
        h("td.mono", c.name),
        h("td", c.source ?? ""),
        h("td.mono", c.type + (c.tls ? " + TLS" : "")),
        h("td", h("a", { href: gwLink(key, "endpoints", `cluster=${encodeURIComponent(c.name)}`) }, h(`span.chip.${c.healthy ? "ok" : "bad"}`, `${c.healthy}/${c.endpoints} healthy`))),
        h("td", jsonButton(`cluster ${c.name}`, () => rawOf(raw, "cluster", c.name))),
      ),
    );
    body = table(["Cluster", "Backend", "Type", "Endpoints", ""], rows, "No clusters.");
  } else {
    const only = params.get("cluster");
    const eps = tree.endpoints.filter((e) => !only || e.cluster === only);
    const rows = eps.map((e) => h("tr", h("td.mono", e.cluster), h("td.mono", e.address), h("td.mono", e.zone ?? ""), h("td", h(`span.chip.${e.health === "HEALTHY" ? "ok" : e.health === "UNKNOWN" ? "neutral" : "bad"}`, e.health)), h("td", jsonButton(`endpoints ${e.cluster}`, () => rawOf(raw, "endpoint", e.cluster)))));
    body = [only ? h("div.filter", "Cluster ", h("span.mono", only), " · ", h("a", { href: gwLink(key, "endpoints") }, "show all")) : "", table(["Cluster", "Address", "Zone", "Health", ""], rows, "No endpoints.")];
  }
  return [head, tabs, body];
}

const CATEGORY = { config: ["bad", "config file"], status: ["bad", "status"], withheld: ["warn", "withheld"], nack: ["bad", "NACK"] };

async function problemsView() {
  const list = await get("/api/problems");
  const rows = list.map((p) =>
    h(
      "tr",
      h("td", h(`span.chip.${CATEGORY[p.category][0]}`, CATEGORY[p.category][1])),
      h("td", h("div.mono", p.object), p.where ? h("div.muted", p.where) : ""),
      h("td", p.gateway ? h("a.mono", { href: gwLink(p.gateway) }, p.gateway) : ""),
      h("td", h("strong", p.type), h("div.muted", p.reason)),
      h("td", { style: "max-width:560px" }, p.message),
    ),
  );
  return [h("h1", "Problems", h(`span.pill.${list.length ? "bad" : "ok"}`, list.length ? `${list.length}` : "none")), table(["Kind", "Object", "Gateway", "Condition", "Message"], rows, "Nothing is wrong: no input errors, no False conditions, nothing withheld, no NACKs.")];
}

const TYPE_COLS = [["cluster", "CDS"], ["listener", "LDS"], ["endpoint", "EDS"], ["route", "RDS"], ["secret", "SDS"]];

async function proxiesView() {
  const rows = (await get("/api/proxies")).flatMap((p) => {
    const nacks = TYPE_COLS.filter(([t]) => p.types[t].message !== undefined).map(([t, label]) => h("div.nack", `${label} NACK of ${short(p.types[t].nacked)}: ${p.types[t].message}`));
    return [
      h(
        "tr",
        h("td.mono", p.node),
        h("td", h("a.mono", { href: gwLink(p.gateway) }, p.gateway)),
        ...TYPE_COLS.map(([t]) => h("td", { title: `now ${p.types[t].want ?? "—"}, acked ${p.types[t].acked ?? "—"}` }, stateChip(p.types[t].state))),
        h("td", stateChip(p.state)),
        h("td.mono", { title: `snapshot now ${p.snapshotVersion ?? "—"}` }, short(p.syncedVersion), p.snapshotVersion && p.syncedVersion !== p.snapshotVersion ? h("span.muted", ` (now ${short(p.snapshotVersion)})`) : ""),
        h("td.mono", p.protocol),
        h("td.muted", new Date(p.connectedSince).toLocaleTimeString()),
      ),
      nacks.length ? h("tr.sub", h("td", { colspan: 11 }, nacks)) : null,
    ].filter(Boolean);
  });
  return [h("h1", "Proxies"), h("p.muted", "Per resource type: SYNCED when the proxy has ACKed the version the snapshot has now, STALE while it has not, NACKED when it rejected it. The synced version is the snapshot version the proxy holds in full."), table(["Proxy", "Gateway", "CDS", "LDS", "EDS", "RDS", "SDS", "Overall", "Synced version", "Protocol", "Connected"], rows, "No proxy is connected.")];
}

const FIELDS = ["gateway", "port", "sni", "host", "method", "path", "header", "query"];

async function explainView(params) {
  const snaps = await get("/api/snapshots");
  const field = (name, label, input, cls = "") => h(`label${cls}`, label, input);
  const val = (k) => params.get(k) ?? "";
  const form = h(
    "form.explain",
    field("gateway", "Gateway", h("select", { name: "gateway" }, snaps.map((s) => h("option", { value: s.key, selected: s.key === val("gateway") }, s.key)))),
    field("port", "Port", h("input", { name: "port", placeholder: "the listener's", value: val("port"), inputmode: "numeric" })),
    field("sni", "SNI (HTTPS)", h("input", { name: "sni", placeholder: "none: plain HTTP", value: val("sni") })),
    field("method", "Method", h("input", { name: "method", placeholder: "GET", value: val("method") })),
    field("host", "Host", h("input", { name: "host", placeholder: "shop.example.com", value: val("host") }), ".wide"),
    field("path", "Path", h("input", { name: "path", placeholder: "/shop?x=1", value: val("path") }), ".wide"),
    field("header", "Headers (one per line, name: value)", h("textarea", { name: "header", rows: 2 }, params.getAll("header").join("\n")), ".wide"),
    field("query", "Extra query parameters (name=value per line)", h("textarea", { name: "query", rows: 2 }, params.getAll("query").join("\n")), ".wide"),
    h("div.actions", h("button.primary", { type: "submit" }, "Explain"), h("span.muted", "Walks the Gateway's xDS as Envoy does: listener → filter chain → virtual host → route → cluster → endpoints.")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) for (const line of String(v).split("\n")) if (line.trim()) q.append(k, line.trim());
    location.hash = `#/explain?${q}`;
  });
  const out = [h("h1", "Explain a request"), form];
  if (!params.has("gateway")) return out;
  const q = new URLSearchParams();
  for (const k of FIELDS) for (const v of params.getAll(k)) q.append(k, v);
  let res;
  try {
    res = await get(`/api/explain?${q}`);
  } catch (err) {
    return [...out, h("div.outcome.bad", String(err.message))];
  }
  const cls = res.outcome.kind === "forward" ? "ok" : res.outcome.kind === "redirect" ? "info" : "bad";
  out.push(h(`div.outcome.${cls}`, { id: "outcome" }, res.outcome.summary));
  if (res.outcome.kind === "forward" && res.outcome.backends.length > 1) {
    out.push(h("table", { style: "margin-top:10px" }, h("tbody", res.outcome.backends.map((b) => h("tr", h("td", { style: "width:240px" }, h("span.bar", { style: `width:${Math.max(2, Math.round(b.share * 200))}px` }), `${Math.round(b.share * 1000) / 10}%`), h("td", b.service ?? b.cluster), h("td.mono", b.endpoints.map((e) => e.address).join(", ")))))));
  }
  out.push(
    h(
      "ol.steps",
      res.steps.map((s) =>
        h(
          `li${s.chosen ? "" : ".miss"}`,
          { "data-stage": s.stage },
          h("span.stage", s.stage),
          s.chosen ? h("span.chosen", s.chosen) : h("span.chip.bad", "no match"),
          s.source ? h("span.source.chip.info", s.source) : "",
          h("div.why", s.reason),
          s.rejected?.length ? h("details", { open: !s.chosen || s.stage === "route" }, h("summary", `${s.rejected.length} not chosen`), h("ul", s.rejected.map((r) => h("li", h("span.mono", r.name), ": ", r.reason)))) : "",
        ),
      ),
    ),
    h("div", jsonButton("explain", res), h("span.muted", " raw answer · snapshot "), h("span.mono", short(res.version))),
  );
  return out;
}

// ---------- router and live updates ----------

let rendering = Promise.resolve();
async function render() {
  const { parts, params } = route();
  const view = parts[0] ?? "overview";
  for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === (view === "gateway" ? "overview" : view));
  let content;
  let summary;
  try {
    summary = await get("/api/summary");
    // Gateways are namespace/name; the mesh snapshot is one word.
    if (view === "gateway" && parts[1] === "mesh") content = await gateway("mesh", parts[2] ?? "listeners", params);
    else if (view === "gateway") content = await gateway(`${parts[1]}/${parts[2]}`, parts[3] ?? "listeners", params);
    else if (view === "problems") content = await problemsView();
    else if (view === "proxies") content = await proxiesView();
    else if (view === "explain") content = await explainView(params);
    else content = await overview();
  } catch (err) {
    content = h("div.outcome.bad", String(err.message ?? err));
  }
  // Header and view change together, so they never disagree.
  if (summary) renderHeader(summary);
  // The explain form keeps what the user is typing: only its result follows changes.
  const main = $("#main");
  const focused = document.activeElement?.closest?.("form") ? document.activeElement.name : undefined;
  main.replaceChildren(...[content].flat(Infinity).filter(Boolean));
  if (focused) main.querySelector(`[name="${focused}"]`)?.focus();
  main.dataset.rendered = String(Number(main.dataset.rendered ?? 0) + 1);
}
function rerender() {
  rendering = rendering.then(render, render);
  return rendering;
}

window.addEventListener("hashchange", rerender);
const events = new EventSource("/api/events");
events.addEventListener("hello", () => $("#live").classList.add("on"));
events.addEventListener("change", (e) => {
  document.body.dataset.seq = JSON.parse(e.data).seq;
  if (!document.activeElement?.closest?.("form")) rerender();
});
events.addEventListener("error", () => $("#live").classList.remove("on"));
rerender();
