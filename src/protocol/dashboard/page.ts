import { createHash } from 'node:crypto';

/**
 * The page's script. It reads `GET /_iam-service-credentials/state` once a second (with the page's own `token`, when the page was
 * opened with one) and renders it with textContent only: every name shown is client input, none is ever parsed as HTML.
 */
const SCRIPT = String.raw`
"use strict";
const token = new URLSearchParams(location.search).get("token");
const stateUrl = "/_iam-service-credentials/state" + (token === null ? "" : "?token=" + encodeURIComponent(token));
const $ = (id) => document.getElementById(id);
const el = (tag, attrs, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
};
const cell = (label, ...children) => el("td", { "data-label": label }, ...children);
const badge = (text, kind) => el("span", { class: "badge " + kind }, text);
const span = (seconds) => {
  const s = Math.abs(seconds);
  if (s >= 86400) return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
  if (s >= 3600) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  if (s >= 60) return Math.floor(s / 60) + " min";
  return s + " s";
};
const when = (iso) => iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
const statusBadge = (c) => {
  if (c.Status === "Expired") return badge("Expired", "bad");
  if (c.Status === "Inactive") return badge("Inactive", "muted");
  if (c.SecondsLeft !== undefined && c.SecondsLeft < 7 * 86400) return badge("Active, expiring", "warn");
  return badge("Active", "good");
};
const expiry = (c) => {
  if (c.ExpirationDate === undefined) return "never";
  const left = c.SecondsLeft;
  return when(c.ExpirationDate) + (left <= 0 ? " (expired " + span(left) + " ago)" : " (" + span(left) + " left)");
};
// Which policy documents are open, so that a refresh keeps them open.
const openDocuments = new Set();
const policyDetails = (key, policy) => {
  let text = policy.Document ?? "(the document could not be read)";
  try { text = JSON.stringify(JSON.parse(text), null, 2); } catch {}
  const details = el("details", { class: "policy", "data-key": key },
    el("summary", {}, el("span", { class: "muted" }, policy.Kind === "inline" ? "inline " : "managed "), el("code", {}, policy.PolicyArn ?? policy.PolicyName)),
    el("pre", {}, text));
  details.open = openDocuments.has(key);
  details.addEventListener("toggle", () => (details.open ? openDocuments.add(key) : openDocuments.delete(key)));
  return details;
};
const permissions = (owner, user) => {
  const box = el("div", { class: "perms indent" });
  if (user.AccessKeys.length > 0) {
    box.append(el("div", {}, el("span", { class: "muted" }, "Access keys: "),
      ...user.AccessKeys.flatMap((k) => [el("code", {}, k.AccessKeyId), " ", badge(k.Status, k.Status === "Active" ? "good" : "muted"), " "])));
  }
  if (user.Groups.length > 0) box.append(el("div", {}, el("span", { class: "muted" }, "Groups: "), user.Groups.join(", ")));
  for (const policy of user.Policies) box.append(policyDetails(owner + "/" + policy.Kind + "/" + (policy.PolicyArn ?? policy.PolicyName), policy));
  return box;
};
const renderAccounts = (accounts) => {
  const root = $("accounts");
  root.replaceChildren();
  if (accounts.length === 0) root.append(el("p", { class: "empty" }, "No account has users yet."));
  for (const account of accounts) {
    const section = el("section", { class: "account" }, el("h3", {}, "Account " + account.AccountId));
    if (account.Error !== undefined) section.append(el("p", { class: "error" }, account.Error));
    if (account.Users.length === 0 && account.Error === undefined) section.append(el("p", { class: "empty" }, "No users."));
    for (const user of account.Users) {
      const head = el("div", { class: "user" }, el("strong", {}, user.UserName), " ", el("code", {}, user.UserId), " ",
        el("span", { class: "muted" }, user.Arn + ", created " + when(user.CreateDate)));
      section.append(head);
      section.append(permissions(account.AccountId + "/user/" + user.UserName, user));
      if (user.ServiceSpecificCredentials.length === 0) {
        section.append(el("p", { class: "empty indent" }, "No service-specific credentials."));
        continue;
      }
      const rows = user.ServiceSpecificCredentials.map((c) => el("tr", {},
        cell("Service", c.ServiceName),
        cell("Name or alias", el("code", {}, c.ServiceUserName ?? c.ServiceCredentialAlias ?? "-")),
        cell("Family", c.Family ?? "-"),
        cell("Id", el("code", {}, c.ServiceSpecificCredentialId)),
        cell("Status", statusBadge(c)),
        cell("Created", when(c.CreateDate)),
        cell("Expires", expiry(c))));
      section.append(el("div", { class: "scroll indent" }, el("table", { class: "credentials" },
        el("thead", {}, el("tr", {}, ...["Service", "Name or alias", "Family", "Id", "Status", "Created", "Expires"].map((h) => el("th", {}, h)))),
        el("tbody", {}, ...rows))));
    }
    if (account.Groups.length > 0) {
      section.append(el("h4", {}, "Groups"));
      for (const group of account.Groups) {
        section.append(el("div", { class: "user" }, el("strong", {}, group.GroupName), " ", el("code", {}, group.GroupId), " ", el("span", { class: "muted" }, group.Arn)));
        const box = el("div", { class: "perms indent" });
        if (group.Policies.length === 0) box.append(el("p", { class: "empty" }, "No policies."));
        for (const policy of group.Policies) box.append(policyDetails(account.AccountId + "/group/" + group.GroupName + "/" + policy.Kind + "/" + (policy.PolicyArn ?? policy.PolicyName), policy));
        section.append(box);
      }
    }
    if (account.Truncated) section.append(el("p", { class: "muted" }, "More users or credentials exist than are shown here."));
    root.append(section);
  }
};
const filters = () => ({ user: $("f-user").value.trim().toLowerCase(), door: $("f-door").value, outcome: $("f-outcome").value });
const matches = (f, door, outcome, ...names) =>
  (f.door === "" || f.door === door) &&
  (f.outcome === "" || f.outcome === outcome || (f.outcome === "refused" && outcome.endsWith("deny")) || (f.outcome === "accepted" && outcome === "allow")) &&
  (f.user === "" || names.some((n) => (n ?? "").toLowerCase().includes(f.user)));
const outcomeBadge = (outcome) => badge(outcome, outcome === "accepted" || outcome === "allow" ? "good" : outcome === "challenged" ? "muted" : "bad");
const renderActivity = (state) => {
  const f = filters();
  const logins = state.Logins.filter((l) => matches(f, l.Door, l.Outcome, l.User, l.AccountId));
  $("logins").replaceChildren(...logins.map((l) => el("tr", {},
    cell("Time", when(l.Time)), cell("Door", l.Door), cell("Outcome", outcomeBadge(l.Outcome)),
    cell("User or alias", el("code", {}, l.User ?? "-")), cell("Account", l.AccountId ?? "-"),
    cell("Reason", l.Reason ?? ""), cell("Client", l.Client ?? "-"))));
  $("logins-empty").hidden = logins.length !== 0;
  const decisions = state.Decisions.filter((d) => matches(f, d.Door, d.Decision, d.Principal));
  $("decisions").replaceChildren(...decisions.map((d) => el("tr", {},
    cell("Time", when(d.Time)), cell("Door", d.Door), cell("Decision", outcomeBadge(d.Decision), d.Mode === "soft" ? " (soft)" : ""),
    cell("Principal", el("code", {}, d.Principal)), cell("Action", d.Action), cell("Resource", el("code", {}, d.Resource)),
    cell("Why", d.Explanation))));
  $("decisions-empty").hidden = decisions.length !== 0;
};
let last;
const refresh = async () => {
  try {
    const answer = await fetch(stateUrl, { cache: "no-store" });
    if (!answer.ok) throw new Error("HTTP " + answer.status);
    last = await answer.json();
    renderAccounts(last.Accounts);
    renderActivity(last);
    $("live").textContent = "live, updated " + when(last.GeneratedAt);
    $("live").className = "live ok";
  } catch (error) {
    $("live").textContent = "not updating: " + error.message;
    $("live").className = "live stale";
  }
};
for (const id of ["f-user", "f-door", "f-outcome"]) $(id).addEventListener("input", () => last !== undefined && renderActivity(last));
refresh();
setInterval(refresh, 1000);
`;

const STYLE = `
:root { color-scheme: light dark; --fg: #1d232a; --bg: #fbfbfc; --muted: #66707a; --line: #d9dde2; --good: #17794a; --bad: #b4232c; --warn: #9a6400; --card: #fff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --bg: #15181b; --muted: #98a2ad; --line: #343a40; --good: #4cc38a; --bad: #ff6b72; --warn: #f0b44c; --card: #1c2024; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: baseline; padding: 14px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 18px; margin: 0; }
main { padding: 12px 20px 40px; max-width: 1400px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
h3 { font-size: 15px; margin: 0 0 8px; }
.account { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-bottom: 12px; }
.user { margin: 10px 0 4px; overflow-wrap: anywhere; }
.indent { margin-left: 14px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
code { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted, .empty { color: var(--muted); }
.error { color: var(--bad); }
h4 { font-size: 14px; margin: 14px 0 4px; }
.perms { margin-bottom: 4px; }
details.policy summary { cursor: pointer; }
details.policy pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow-x: auto; max-height: 360px; }
.live { font-size: 12px; } .live.ok { color: var(--good); } .live.stale { color: var(--bad); }
.filters { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.filters input, .filters select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
@media (max-width: 700px) {
  header, main { padding-left: 10px; padding-right: 10px; }
  table, thead, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 8px; padding: 4px 0; }
  td { border: 0; padding: 2px 8px; overflow-wrap: anywhere; }
  td::before { content: attr(data-label) ": "; color: var(--muted); font-size: 12px; }
  .indent { margin-left: 0; }
}
`;

/** The Content-Security-Policy hash of the inline script: the page runs that script and nothing else, and loads nothing from elsewhere. */
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export const DASHBOARD_CONTENT_SECURITY_POLICY =
  `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'sha256-${STYLE_HASH}'; connect-src 'self'; img-src 'self' data:; ` +
  `base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>iam-service-credentials</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>iam-service-credentials</h1><span id="live" class="live">loading…</span></header>
<main>
<h2>Users, their credentials and permissions</h2>
<div id="accounts"></div>
<h2>Recent activity</h2>
<div class="filters">
<input id="f-user" type="search" placeholder="user, alias or principal" aria-label="Filter by user">
<select id="f-door" aria-label="Filter by door"><option value="">every door</option><option value="git">git</option><option value="bedrock">bedrock</option><option value="keyspaces">keyspaces</option><option value="iam">iam</option></select>
<select id="f-outcome" aria-label="Filter by outcome"><option value="">every outcome</option><option value="accepted">accepted or allowed</option><option value="refused">refused or denied</option><option value="challenged">challenged</option></select>
</div>
<h3>Logins at the doors (last 200 at each)</h3>
<div class="scroll"><table><thead><tr><th>Time</th><th>Door</th><th>Outcome</th><th>User or alias</th><th>Account</th><th>Reason</th><th>Client</th></tr></thead><tbody id="logins"></tbody></table></div>
<p id="logins-empty" class="empty">No login attempts yet.</p>
<h3>Authorisation decisions (last 200)</h3>
<div class="scroll"><table><thead><tr><th>Time</th><th>Door</th><th>Decision</th><th>Principal</th><th>Action</th><th>Resource</th><th>Why</th></tr></thead><tbody id="decisions"></tbody></table></div>
<p id="decisions-empty" class="empty">No authorisation decisions yet.</p>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
