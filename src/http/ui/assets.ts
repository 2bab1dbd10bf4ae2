// The page's stylesheet and script, inlined with the per-response CSP nonce (no build step, no extra
// round-trip inside the admin). Styles follow the Upgates admin: light grey canvas, white cards, blue accents.
// The script only enhances the plain HTML forms (which work without it): it submits them with fetch, the
// session as `Authorization: Bearer`, and shows the answer in the form's live region.

export const STYLES = `
:root{--blue:#1a73d9;--blue-dark:#125bb0;--ink:#1f2933;--muted:#5f6b7a;--line:#dde3ea;--bg:#f3f5f8;--ok:#1e8a4c;--warn:#b25e00;--err:#c62828}
*{box-sizing:border-box}
html{font-size:14px}
body{margin:0;background:var(--bg);color:var(--ink);font-family:"Open Sans","Segoe UI",Roboto,Helvetica,Arial,sans-serif;line-height:1.45}
header.top{background:#fff;border-bottom:1px solid var(--line);padding:14px 24px;display:flex;align-items:center;gap:12px}
header.top h1{font-size:1.35rem;font-weight:600;margin:0}
header.top .shop{color:var(--muted)}
main{padding:20px 24px;display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px;max-width:1200px}
section.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:16px 18px}
section.card.wide{grid-column:1/-1}
section.card h2{font-size:1rem;font-weight:600;margin:0 0 12px;color:var(--ink);border-left:3px solid var(--blue);padding-left:8px}
dl{display:grid;grid-template-columns:fit-content(50%) minmax(0,1fr);gap:6px 16px;margin:0 0 12px}
dt{color:var(--muted)}
dd{margin:0;font-weight:600}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:middle}
thead th{color:var(--muted);font-weight:600;font-size:.9rem;background:#f8fafc}
tbody th{font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
progress,meter{width:100%;height:10px}
.badge{display:inline-block;max-width:100%;padding:2px 9px;border-radius:10px;font-size:.85rem;font-weight:600;background:#e8f0fc;color:var(--blue-dark)}
.badge.ok{background:#e3f4ea;color:var(--ok)}
.badge.warn{background:#fdf0e0;color:var(--warn)}
.badge.err{background:#fdeaea;color:var(--err)}
.note{color:var(--muted);font-size:.9rem;margin:8px 0 0}
.alert{grid-column:1/-1;background:#fff8e6;border:1px solid #f2d189;border-radius:6px;padding:10px 14px}
.alert.err{background:#fdeaea;border-color:#f1b5b5}
.field{margin:0 0 14px}
fieldset.field{border:1px solid var(--line);border-radius:6px;padding:8px 14px 4px}
fieldset.field legend{padding:0 6px}
fieldset.field tbody tr:last-child th,fieldset.field tbody tr:last-child td{border-bottom:0}
.field label{font-weight:600;display:block;margin-bottom:4px}
.field.check label{display:flex;gap:8px;align-items:center;font-weight:600}
.field .help{color:var(--muted);font-size:.9rem;margin:2px 0 0}
input[type=number],input[type=text],textarea,select{font:inherit;border:1px solid #c5cfdb;border-radius:4px;padding:6px 8px;background:#fff;color:var(--ink);min-width:220px}
textarea{width:100%;min-height:60px}
input:focus,select:focus,textarea:focus,button:focus{outline:2px solid var(--blue);outline-offset:1px}
input[type=checkbox]{width:16px;height:16px;accent-color:var(--blue)}
button{font:inherit;font-weight:600;border:1px solid var(--blue);background:var(--blue);color:#fff;border-radius:4px;padding:8px 16px;cursor:pointer}
button:hover{background:var(--blue-dark)}
button[disabled]{opacity:.6;cursor:progress}
button.secondary{background:#fff;color:var(--blue)}
button.secondary:hover{background:#e8f0fc}
.result{margin-top:10px;min-height:1.4em;font-weight:600}
.result.ok{color:var(--ok)}
.result.err{color:var(--err)}
.result.warn{color:var(--warn)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.error-page{max-width:560px;margin:60px auto;background:#fff;border:1px solid var(--line);border-radius:6px;padding:24px 28px}
.error-page h1{font-size:1.3rem;margin:0 0 10px}
`;

export const SCRIPT = `
(function () {
  'use strict';
  var forms = document.querySelectorAll('form[data-ajax]');
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var out = form.querySelector('[data-result]');
      var button = form.querySelector('button[type=submit]');
      var data = new FormData(form);
      var session = String(data.get('session') || '');
      data.delete('session');
      if (button) button.disabled = true;
      form.setAttribute('aria-busy', 'true');
      fetch(form.action, {
        method: 'POST',
        credentials: 'omit',
        headers: { 'Authorization': 'Bearer ' + session, 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(data).toString()
      }).then(function (res) {
        return res.json().catch(function () { return { ok: false, message: res.statusText }; }).then(function (json) {
          show(out, json.message || '', json.tone || (res.ok ? 'ok' : 'err'));
        });
      }).catch(function () {
        show(out, form.getAttribute('data-offline') || '', 'err');
      }).then(function () {
        if (button) button.disabled = false;
        form.removeAttribute('aria-busy');
      });
    });
  });
  function show(out, message, tone) {
    if (!out) return;
    out.textContent = message;
    out.className = 'result ' + tone;
  }
})();
`;
