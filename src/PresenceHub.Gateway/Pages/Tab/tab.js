// The PresenceHub personal tab: TeamsJS for the SSO token, then the self-service API. Plain JavaScript, no build step.
"use strict";

(() => {
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);
  let token = null;
  let timer = null;

  async function api(method, path, body) {
    const init = { method, headers: { Authorization: "Bearer " + token } };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init);
  }

  function result(message, failed) {
    $("result").textContent = message;
    $("result").className = failed ? "error" : "";
  }

  function cell(value) {
    const td = document.createElement("td");
    td.textContent = value === null || value === undefined ? "–" : String(value);
    return td;
  }

  async function loadSummary() {
    const r = await api("GET", "/api/me");
    if (!r.ok) {
      $("consent").textContent = "Your summary is not available (" + r.status + ").";
      return;
    }

    const me = await r.json();
    $("membership").hidden = false;
    const member = !!me.consent;
    $("consent").textContent = member
      ? "You take part in federation (" + me.consent.source + " since " + new Date(me.consent.since).toLocaleString() + ")."
      : "You do not take part in federation.";
    $("join").hidden = member;
    $("controls").hidden = !member;
    const shared = me.shared || {};
    $("shared").textContent = shared.presence
      ? "Shared: your presence" + (shared.profileFields && shared.profileFields.length ? " and " + shared.profileFields.join(", ") : "")
        + " with " + (shared.platforms && shared.platforms.length ? shared.platforms.join(", ") : "no platform connected right now") + "."
      : "Nothing of yours is shared.";
    $("shown").textContent = me.shownIn ? "Presence from other platforms is shown to you." : "Presence from other platforms is not shown to you.";
    // Not while the user is changing them.
    if (me.privacy && !$("privacy-form").contains(document.activeElement)) {
      $("paused").checked = me.privacy.paused;
      $("share-out").checked = me.privacy.shareOut;
      $("show-in").checked = me.privacy.showIn;
    }
  }

  async function loadContacts() {
    const r = await api("GET", "/api/me/contacts");
    const body = $("contacts").querySelector("tbody");
    $("membership").hidden = false;
    if (r.status === 403) {
      // Not a member: only members see their colleagues.
      $("contacts-section").hidden = true;
      $("join").hidden = false;
      return;
    }

    if (!r.ok) return;
    $("contacts-section").hidden = false;
    const answer = await r.json();
    const list = answer.contacts;
    body.replaceChildren(...list.map((c) => {
      const tr = document.createElement("tr");
      tr.dataset.userId = c.userId;
      tr.dataset.platform = c.platform;
      tr.append(cell(c.displayName || c.userId), cell(c.platform), cell(c.availability), cell(c.activity),
        cell(new Date(c.observedAt).toLocaleTimeString()));
      return tr;
    }));
    if (list.length === 0) {
      const tr = document.createElement("tr");
      const td = cell(answer.shownIn === false
        ? "You chose not to be shown presence from other platforms."
        : "Nobody of your organization shows presence on another platform yet.");
      td.colSpan = 5;
      tr.className = "empty";
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  async function refresh() {
    await Promise.all([loadSummary(), loadContacts()]);
  }

  $("join").addEventListener("click", async () => {
    const r = await api("POST", "/api/consent");
    result(r.ok ? "You joined federation." : "Joining failed (" + r.status + ").", !r.ok);
    refresh();
  });

  $("privacy-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api("PUT", "/api/me/privacy", { paused: $("paused").checked, shareOut: $("share-out").checked, showIn: $("show-in").checked });
    result(r.ok ? "Saved." : "Saving failed (" + r.status + ").", !r.ok);
    refresh();
  });

  $("export").addEventListener("click", async () => {
    const r = await api("GET", "/api/me/export");
    if (!r.ok) { result("The export failed (" + r.status + ").", true); return; }
    const blob = await r.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "presencehub-export.json";
    link.click();
    URL.revokeObjectURL(link.href);
    result("Exported " + blob.size + " bytes.", false);
  });

  $("erase").addEventListener("click", async () => {
    if (!confirm("Erase everything PresenceHub holds about you? You leave federation.")) return;
    const r = await api("DELETE", "/api/me");
    result(r.ok ? "Erased. PresenceHub holds nothing about you any more." : "Erasing failed (" + r.status + ").", !r.ok);
    refresh();
  });

  async function start() {
    try {
      await microsoftTeams.app.initialize();
      token = await microsoftTeams.authentication.getAuthToken();
    } catch (e) {
      $("status").textContent = "Open this tab in Microsoft Teams to sign in (" + (e && e.message ? e.message : e) + ").";
      return;
    }

    $("status").textContent = "Signed in with Teams.";
    await refresh();
    timer = setInterval(() => refresh().catch(() => {}), POLL_MS);
  }

  start();
})();
