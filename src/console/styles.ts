// The console's one stylesheet, inlined in every page: no CDN, no extra request, nothing the
// Content-Security-Policy has to allow beyond inline styles. Responsive: the table becomes stacked
// cards on a phone; focus is always visible for keyboard users.
export const styles = `
:root{color-scheme:light;--fg:#1a1f36;--muted:#5b6478;--line:#e3e8ee;--bg:#f6f8fa;--card:#fff;--accent:#4f46e5;--focus:#f59e0b}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
header.top{display:flex;align-items:center;gap:16px;padding:12px 24px;background:#1a1f36;color:#fff}
header.top a{color:#fff;text-decoration:none;font-weight:600}
header.top .mode{margin-left:auto;font-size:12px;padding:2px 8px;border-radius:10px;background:#3c4257}
main{max-width:1200px;margin:0 auto;padding:20px 24px}
h1{font-size:20px;margin:0 0 16px}
h2{font-size:16px;margin:24px 0 8px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;margin-bottom:16px}
.counters{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:0 0 16px}
.counters a{display:block;min-width:110px;padding:10px 14px;border-radius:8px;background:var(--card);border:1px solid var(--line);text-decoration:none;color:var(--fg)}
.counters b{display:block;font-size:22px}
.counters a[aria-current]{border-color:var(--accent);box-shadow:0 0 0 1px var(--accent)}
figure.card{margin:0 0 16px}
.chart svg{width:100%;height:auto;display:block}
.legend{display:flex;gap:16px;font-size:12px;color:var(--muted)}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end}
form.filters div{display:flex;flex-direction:column;gap:2px}
form.filters label{font-size:12px;color:var(--muted)}
input,select,button{font:inherit;padding:6px 8px;border:1px solid #c1c9d2;border-radius:6px;background:#fff;color:var(--fg)}
button,.button{cursor:pointer;background:var(--accent);border-color:var(--accent);color:#fff;font-weight:600;text-decoration:none;padding:6px 12px;border-radius:6px;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--fg);border:1px solid #c1c9d2}
button.danger{background:#c0123c;border-color:#c0123c}
button:disabled{opacity:.5;cursor:not-allowed}
table{width:100%;border-collapse:collapse;background:var(--card)}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
td code,dd code{font-size:12px;word-break:break-all}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.status-queued{background:#e0e7ff;color:#3730a3}.status-processing{background:#dbeafe;color:#1e40af}
.status-done{background:#d1fae5;color:#065f46}.status-failed{background:#fef3c7;color:#92400e}
.status-dead{background:#fee2e2;color:#991b1b}.status-discarded{background:#e5e7eb;color:#374151}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
.pager{display:flex;gap:12px;margin:12px 0}
.notice{padding:12px 16px;border-radius:8px;background:#ecfdf5;border:1px solid #a7f3d0}
.warning{padding:12px 16px;border-radius:8px;background:#fef2f2;border:1px solid #fecaca}
pre{background:#0f172a;color:#e2e8f0;padding:12px;border-radius:6px;overflow:auto;font-size:12px;max-height:480px;white-space:pre-wrap;word-break:break-word}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.muted{color:var(--muted)}
.health{margin-bottom:16px}.health ul.problems{margin:0 0 8px;padding-left:20px}.health p{margin:0}
td.drift code{background:#fef3c7;color:#92400e;padding:0 4px;border-radius:4px}
.flag{font-size:11px;font-weight:600;color:#991b1b;text-transform:uppercase}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:700px){
  main{padding:12px}
  header.top{padding:10px 12px}
  table.events thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  table.events,table.events tbody,table.events tr,table.events td{display:block;width:100%}
  table.events tr{border:1px solid var(--line);border-radius:8px;margin-bottom:8px;padding:6px 0;background:var(--card)}
  table.events td{border:0;padding:3px 12px}
  table.events td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:12px}
  .counters a{min-width:90px}
}
`;
