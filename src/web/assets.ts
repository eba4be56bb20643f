// The dashboard's two static assets, served by the process itself from memory: nothing is fetched from the
// internet, and nothing depends on where the package is installed.
import { createHash } from 'node:crypto';
import { installConfirmations, installCopyButtons, installDraftKeeper } from './client.js';

// tsx (used by `npm run dev` and the tests) may wrap named functions in `__name(...)`; the shim makes that a no-op.
export const CLIENT_SCRIPT =
  `"use strict";var __name=function(f){return f};(${installCopyButtons.toString()})();\n` +
  `(${installDraftKeeper.toString()})();\n(${installConfirmations.toString()})();\n`;

export const STYLESHEET = `
:root { --fg:#1b1f24; --muted:#57606a; --bg:#ffffff; --panel:#f6f8fa; --line:#d0d7de; --accent:#0550ae;
  --accent-bg:#ddf4ff; --ok:#116329; --ok-bg:#dafbe1; --err:#a40e26; --err-bg:#ffebe9; --focus:#bf3989; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg);
  background:var(--bg); line-height:1.5; }
a { color:var(--accent); }
:focus-visible { outline:3px solid var(--focus); outline-offset:2px; }
.skip-link { position:absolute; left:-9999px; top:0; background:var(--fg); color:#fff; padding:.5rem 1rem; z-index:10; }
.skip-link:focus { left:.5rem; top:.5rem; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem; padding:.75rem 1.5rem;
  border-bottom:1px solid var(--line); background:var(--panel); }
.brand { font-weight:700; color:var(--fg); text-decoration:none; font-size:1.1rem; }
.brand .org { font-weight:400; color:var(--muted); margin-left:.5rem; }
.nav { list-style:none; display:flex; flex-wrap:wrap; gap:.25rem; margin:0; padding:0; }
.nav a { display:inline-block; padding:.35rem .75rem; border-radius:6px; text-decoration:none; color:var(--fg); }
.nav a:hover { background:#eaeef2; }
.nav a[aria-current="page"] { background:var(--accent-bg); color:var(--accent); font-weight:600; }
.account { margin-left:auto; display:flex; align-items:center; gap:.75rem; font-size:.9rem; color:var(--muted); }
.role { border:1px solid var(--line); border-radius:999px; padding:0 .5rem; font-size:.8rem; }
main { max-width:1100px; margin:0 auto; padding:1.5rem; }
main:focus { outline:none; }
h1 { font-size:1.6rem; margin:.25rem 0 1rem; }
h2 { font-size:1.2rem; margin:2rem 0 .75rem; }
p.lead { color:var(--muted); margin-top:-.5rem; }
.muted { color:var(--muted); }
.notice { padding:.75rem 1rem; border-radius:6px; margin-bottom:1rem; border:1px solid; }
.notice-ok { background:var(--ok-bg); color:var(--ok); border-color:#aceebb; }
.notice-error { background:var(--err-bg); color:var(--err); border-color:#ffcecb; }
form.inline { display:inline; margin:0; }
.filters { display:flex; flex-wrap:wrap; align-items:flex-end; gap:.75rem; margin-bottom:1rem; }
.field { display:flex; flex-direction:column; gap:.25rem; margin-bottom:.75rem; }
.filters .field { margin-bottom:0; }
label { font-weight:600; font-size:.9rem; }
input[type=text], input[type=email], input[type=password], input[type=search], select, textarea {
  font:inherit; padding:.45rem .6rem; border:1px solid #8c959f; border-radius:6px; background:#fff; color:var(--fg);
  min-width:0; max-width:100%; }
textarea { width:100%; min-height:7rem; resize:vertical; }
button, .button { font:inherit; font-weight:600; padding:.45rem .9rem; border-radius:6px; border:1px solid #1f6feb;
  background:#1f6feb; color:#fff; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary { background:#fff; color:var(--accent); border-color:var(--line); }
button.danger { background:#fff; color:var(--err); border-color:#ffcecb; }
button.link-button { background:none; border:none; color:var(--accent); padding:0; text-decoration:underline; font-weight:400; }
.table-wrap { position:relative; overflow-x:auto; border:1px solid var(--line); border-radius:8px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.55rem .75rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--panel); font-size:.85rem; color:var(--muted); font-weight:600; }
tr:last-child td { border-bottom:none; }
.badge { display:inline-block; border-radius:999px; padding:0 .55rem; font-size:.8rem; border:1px solid var(--line);
  white-space:nowrap; }
.status-open { background:#fff8c5; border-color:#eac54f; }
.status-in_progress { background:var(--accent-bg); border-color:#54aeff; }
.status-waiting_for_customer { background:#fbefff; border-color:#d8b9ff; }
.status-resolved { background:var(--ok-bg); border-color:#4ac26b; }
.priority-urgent { background:var(--err-bg); border-color:#ff8182; color:var(--err); font-weight:600; }
.priority-high { background:#fff1e5; border-color:#fb8f44; }
.empty { border:1px dashed var(--line); border-radius:8px; padding:1.5rem; background:var(--panel); }
.empty h2 { margin-top:0; }
.pager { display:flex; gap:1rem; margin-top:1rem; }
dl.fields { display:grid; grid-template-columns:max-content 1fr; gap:.35rem 1.25rem; margin:0; }
dl.fields dt { font-weight:600; color:var(--muted); }
dl.fields dd { margin:0; overflow-wrap:anywhere; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(280px, 1fr)); gap:1rem; }
.card { border:1px solid var(--line); border-radius:8px; padding:1rem; }
.card h2 { margin-top:0; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:.88rem; }
pre { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:.75rem; overflow-x:auto;
  white-space:pre-wrap; overflow-wrap:anywhere; }
.conversation { list-style:none; padding:0; margin:0; display:flex; flex-direction:column; gap:.75rem; }
.message { border:1px solid var(--line); border-radius:8px; padding:.75rem 1rem; max-width:85%; }
.message.role-agent { align-self:flex-end; background:var(--accent-bg); border-color:#b6e3ff; }
.message.role-bot { background:var(--panel); }
.message .meta { font-size:.8rem; color:var(--muted); margin-bottom:.25rem; }
.message .content { white-space:pre-wrap; overflow-wrap:anywhere; margin:0; }
.message.kind-note { align-self:stretch; max-width:100%; background:#fff8c5; border:1px dashed #bf8700; }
.message.kind-note .meta::before { content:"Internal note · "; font-weight:600; color:#7d4e00; }
.change { font-size:.85rem; color:var(--muted); border-left:3px solid var(--line); padding-left:.6rem; }
.views { display:flex; flex-wrap:wrap; gap:1rem; list-style:none; padding:0; margin:0 0 1rem; }
.views a[aria-current] { font-weight:700; }
.count { color:var(--muted); margin:.5rem 0; }
.kind-choice { display:flex; gap:1rem; border:none; padding:0; margin:0 0 .75rem; }
.secret-box { border:2px solid #1f6feb; background:var(--accent-bg); border-radius:8px; padding:1rem; margin-bottom:1.5rem; }
.secret-row { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; }
.secret-row input { flex:1 1 20rem; font-family: ui-monospace, monospace; }
.actions { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; }
.actions select { padding:.3rem .4rem; }
td.key-actions { min-width:22rem; }
td.key-actions form.actions { flex-wrap:nowrap; }
.signin { max-width:24rem; margin:3rem auto; }
.signin input { width:100%; }
@media (max-width: 640px) {
  header.top { padding:.75rem; }
  .account { margin-left:0; width:100%; }
  main { padding:1rem .75rem; }
  h1 { font-size:1.35rem; }
  .message { max-width:100%; }
  th, td { padding:.45rem .5rem; }
  .hide-narrow { display:none; }
  td.key-actions { min-width:0; }
  td.key-actions form.actions { flex-wrap:wrap; }
  /* Tables marked .stack become one card per row: every cell on its own line, labelled. */
  table.stack thead { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display:block; width:100%; }
  table.stack tr { border-bottom:1px solid var(--line); padding:.5rem 0; }
  table.stack tr:last-child { border-bottom:none; }
  table.stack td { border:none; padding:.15rem .75rem; }
  table.stack td[data-label]::before { content:attr(data-label) ": "; font-weight:600; color:var(--muted); font-size:.85rem; }
  table.stack td.hide-narrow { display:none; }
  .badge { white-space:normal; }
  dl.fields { grid-template-columns:1fr; }
  dl.fields dd { margin-bottom:.5rem; }
}
`;

export const ASSET_VERSION = createHash('sha256').update(STYLESHEET).update(CLIENT_SCRIPT).digest('hex').slice(0, 12);
