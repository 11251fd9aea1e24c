// The PresenceHub admin console: plain JavaScript over the admin API, no build step.
"use strict";

(() => {
  const POLL_MS = 3000;
  const TOKEN_KEY = "presencehub.admin.token";
  const ADMIN_KEY = "presencehub.admin.key";
  const $ = (id) => document.getElementById(id);
  let organization = null;
  let timer = null;
  let localSignIn = false;
  let shownKeys = null;

  function headers(extra) {
    const h = Object.assign({ "X-PresenceHub-Console": "1" }, extra || {});
    const token = sessionStorage.getItem(TOKEN_KEY);
    const key = sessionStorage.getItem(ADMIN_KEY);
    if (token) h["Authorization"] = "Bearer " + token;
    else if (key) h["X-Admin-Key"] = key;
    return h;
  }

  async function api(method, path, body) {
    const init = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}), credentials: "same-origin" };
    if (body) init.body = JSON.stringify(body);
    return fetch(path, init);
  }

  function text(value) {
    return value === null || value === undefined || value === "" ? "–" : String(value);
  }

  function when(value) {
    if (!value) return "–";
    const d = new Date(value);
    return isNaN(d) ? String(value) : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  }

  function row(cells) {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      if (cell instanceof Node) td.appendChild(cell);
      else td.textContent = text(cell);
      tr.appendChild(td);
    }
    return tr;
  }

  function fill(tableId, rows, empty) {
    const body = $(tableId).querySelector("tbody");
    body.replaceChildren(...rows);
    if (rows.length === 0) {
      const tr = row([empty]);
      tr.firstChild.colSpan = $(tableId).querySelectorAll("thead th").length;
      tr.className = "empty";
      body.appendChild(tr);
    }
  }

  function button(label, action, handler) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.dataset.action = action;
    b.addEventListener("click", handler);
    return b;
  }

  function report(message, failed) {
    const el = $("action-result");
    el.textContent = message;
    el.className = failed ? "error" : "";
  }

  async function act(description, response) {
    const r = await response;
    report(description + ": " + r.status + (r.ok ? " OK" : " " + r.statusText), !r.ok);
    if (r.ok) refresh();
    return r;
  }

  function userPath(userId) {
    return "/admin/organizations/" + encodeURIComponent(organization) + "/users/" + encodeURIComponent(userId);
  }

  async function exportUser(userId) {
    const r = await api("GET", userPath(userId) + "/export");
    if (!r.ok) { report("Export of " + userId + ": " + r.status, true); return; }
    const blob = await r.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "presencehub-export-" + userId + ".json";
    link.click();
    URL.revokeObjectURL(link.href);
    report("Export of " + userId + ": " + blob.size + " bytes downloaded", false);
  }

  function actions(user) {
    const userId = user.userId;
    const span = document.createElement("span");
    span.className = "actions";
    span.append(
      button("Export", "export", () => exportUser(userId)),
      user.paused
        ? button("Resume", "resume", () => act("Resume of " + userId, api("PUT", userPath(userId) + "/privacy", { paused: false })))
        : button("Pause", "pause", () => act("Pause of " + userId, api("PUT", userPath(userId) + "/privacy", { paused: true }))),
      button("Erase", "erase", () => {
        if (confirm("Erase everything PresenceHub holds about " + userId + "?")) act("Erasure of " + userId, api("DELETE", userPath(userId)));
      }));
    return span;
  }

  // Connector keys: issued through the admin API, shown once (never stored by the page), listed without the key.
  function keysPath(keyId) {
    return "/admin/organizations/" + encodeURIComponent(organization) + "/connector-keys" + (keyId ? "/" + encodeURIComponent(keyId) : "");
  }

  function keyReport(message, failed) {
    const el = $("key-result");
    el.textContent = message;
    el.className = failed ? "error" : "";
  }

  async function problem(r) {
    try {
      const body = await r.json();
      return body.detail || body.title || r.statusText;
    } catch {
      return r.statusText;
    }
  }

  function renderKeys(keys) {
    const json = JSON.stringify(keys);
    // Re-rendered only on a change, so a Revoke button is not replaced under the pointer by the poll.
    if (json === shownKeys) return;
    shownKeys = json;
    fill("connector-keys", keys.map((k) => {
      const tr = row([k.name, k.id, k.platform || "any", when(k.createdAt), button("Revoke", "revoke", () => revokeKey(k))]);
      tr.dataset.keyId = k.id;
      return tr;
    }), "No connector key has been issued.");
  }

  async function refreshKeys() {
    if (!organization) return;
    const r = await api("GET", keysPath());
    if (r.ok) renderKeys(await r.json());
    else if (r.status !== 401) keyReport("The connector keys could not be read: " + r.status, true);
  }

  async function revokeKey(k) {
    if (!confirm("Revoke the connector key " + k.name + " (" + k.id + ")? Connectors using it are refused from now on.")) return;
    const r = await api("DELETE", keysPath(k.id));
    keyReport(r.ok ? "Revoked " + k.name + " (" + k.id + ")." : "Revoking " + k.id + " failed: " + r.status + " " + (await problem(r)), !r.ok);
    refreshKeys();
  }

  function hideIssuedKey() {
    $("issued-key-value").textContent = "";
    $("issued-key-name").textContent = "";
    $("copy-result").textContent = "";
    $("issued-key").hidden = true;
  }

  function selectIssuedKey() {
    const selection = window.getSelection();
    selection.selectAllChildren($("issued-key-value"));
  }

  async function copyIssuedKey() {
    const key = $("issued-key-value").textContent;
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(key);
      $("copy-result").textContent = "Copied to the clipboard.";
    } catch {
      // No clipboard access (an insecure origin, or permission refused): select it for Ctrl+C instead.
      selectIssuedKey();
      $("copy-result").textContent = "The key is selected: press Ctrl+C (or Cmd+C) to copy it.";
    }
  }

  $("issue-key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!organization) { keyReport("No organization to issue a key for.", true); return; }
    const name = $("key-name").value.trim();
    const platform = $("key-platform").value.trim().toLowerCase();
    hideIssuedKey();
    const r = await api("POST", keysPath(), platform ? { name, platform } : { name });
    if (!r.ok) { keyReport("Issuing a key failed: " + r.status + " " + (await problem(r)), true); return; }
    const issued = await r.json();
    $("key-name").value = "";
    $("key-platform").value = "";
    $("issued-key-name").textContent = issued.name + " (" + issued.id + (issued.platform ? ", " + issued.platform + " only" : ", any platform") + ")";
    $("issued-key-value").textContent = issued.key;
    $("issued-key").hidden = false;
    keyReport("Issued " + issued.name + " (" + issued.id + ").", false);
    refreshKeys();
  });

  $("copy-key").addEventListener("click", copyIssuedKey);
  $("issued-key-value").addEventListener("click", selectIssuedKey);
  $("dismiss-key").addEventListener("click", hideIssuedKey);

  function render(o) {
    $("status").textContent = "Organization " + o.organization + " · updated " + when(o.generatedAt);
    const list = $("checklist");
    list.replaceChildren(...o.checklist.map((item) => {
      const li = document.createElement("li");
      li.className = item.status;
      li.dataset.check = item.name;
      const name = document.createElement("strong");
      name.textContent = item.name + " ";
      const detail = document.createElement("span");
      detail.textContent = item.detail;
      li.append(name, detail);
      if (item.fix) {
        const fix = document.createElement("div");
        fix.className = "fix";
        fix.textContent = "Fix: " + item.fix;
        li.appendChild(fix);
      }
      return li;
    }));

    const consents = Array.from(o.consents);
    const subscriptions = Array.from(o.subscriptions);
    const connectors = Array.from(o.connectors);
    $("consent-count").textContent = consents.length;
    $("subscription-count").textContent = subscriptions.length;
    $("connector-count").textContent = connectors.length;
    if (o.throughput) {
      $("in-rate").textContent = o.throughput.inPerSecond.toFixed(1);
      $("out-rate").textContent = o.throughput.outPerSecond.toFixed(1);
      $("throughput-note").textContent = "This replica, all organizations: " + o.throughput.eventsIn + " in, " + o.throughput.eventsOut + " out since start.";
    } else {
      $("throughput-note").textContent = "Replica-wide throughput is shown to the operator only.";
    }

    fill("connectors", connectors.map((c) => row([
      c.connectorId, c.platform, c.state, when(c.connectedAt), c.delivered, c.outstanding,
      c.lagMilliseconds === null ? null : Math.round(c.lagMilliseconds) + " ms",
      c.errors + (c.lastError ? " (" + c.lastError + ")" : "")])), "No connector is connected to this replica.");
    fill("subscriptions", subscriptions.map((s) => row([
      s.id, s.kind, s.owner, s.usersCovered, when(s.expiresAt), when(s.lastRenewal),
      s.lifecycleEvents.map((e) => e.type + " " + when(e.at)).join(", ")])), "No subscription yet.");
    fill("consents", consents.map((c) => {
      const federation = c.paused ? "paused" : [c.shareOut ? "shares out" : "no share out", c.showIn ? "shown in" : "not shown in"].join(", ");
      const tr = row([c.displayName, c.userId, c.source, when(c.grantedAt), federation, actions(c)]);
      tr.dataset.userId = c.userId;
      return tr;
    }), "Nobody has consented yet.");
    fill("metadata-log", o.metadataLog.map((e) => row([when(e.time), e.sender, e.receiver, e.type, e.sessionId])), "No message processed yet.");
  }

  async function refresh() {
    if (!organization) return;
    try {
      const r = await api("GET", "/admin/organizations/" + encodeURIComponent(organization) + "/overview");
      if (r.status === 401) { stop(); showSignIn("The session ended; sign in again."); return; }
      if (!r.ok) { $("status").textContent = "The overview failed: " + r.status; return; }
      render(await r.json());
      await refreshKeys();
    } catch (e) {
      $("status").textContent = "The gateway did not answer (" + e.message + ").";
    }
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  function showSignIn(message) {
    forgetOrganization();
    $("console").hidden = true;
    $("sign-out").hidden = true;
    $("sign-in").hidden = false;
    $("key-form").hidden = false;
    $("sign-in-error").textContent = message || "";
  }

  function start(session) {
    $("sign-in").hidden = true;
    $("console").hidden = false;
    $("sign-out").hidden = false;
    $("who").textContent = session.operator ? "Operator (" + session.kind + ")" : "Administrator of " + session.organizations[0];
    const select = $("organization");
    select.replaceChildren(...session.organizations.map((o) => {
      const option = document.createElement("option");
      option.value = option.textContent = o;
      return option;
    }));
    $("organization-picker").hidden = session.organizations.length < 2;
    organization = session.organizations[0] || null;
    if (!organization) $("status").textContent = "No organization has consented yet.";
    stop();
    refresh();
    timer = setInterval(refresh, POLL_MS);
  }

  async function init() {
    const r = await api("GET", "/admin/session");
    const session = await r.json();
    localSignIn = session.localSignIn;
    if (session.signedIn) { start(session); return; }
    if (localSignIn) {
      // Demo mode: the gateway signs in callers on its own machine without a key.
      const local = await fetch("/admin/signin", { method: "POST", headers: { "X-PresenceHub-Console": "1" }, credentials: "same-origin" });
      if (local.ok) { init(); return; }
    }
    showSignIn("");
  }

  function forgetOrganization() {
    hideIssuedKey();
    keyReport("", false);
    shownKeys = null;
  }

  $("organization").addEventListener("change", (e) => { organization = e.target.value; forgetOrganization(); refresh(); });

  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.removeItem(ADMIN_KEY);
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    $("token").value = "";
    init();
  });

  $("key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = $("key").value;
    $("key").value = "";
    sessionStorage.removeItem(TOKEN_KEY);
    if (localSignIn) {
      const r = await fetch("/admin/signin", {
        method: "POST", headers: { "X-PresenceHub-Console": "1" }, credentials: "same-origin", body: new URLSearchParams({ key }),
      });
      if (!r.ok) { $("sign-in-error").textContent = "The key was refused (" + r.status + ")."; return; }
    } else {
      sessionStorage.setItem(ADMIN_KEY, key);
    }
    init();
  });

  $("sign-out").addEventListener("click", async () => {
    stop();
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ADMIN_KEY);
    await fetch("/admin/signout", { method: "POST", headers: { "X-PresenceHub-Console": "1" }, credentials: "same-origin" });
    localSignIn = false;
    showSignIn("Signed out.");
  });

  init();
})();
