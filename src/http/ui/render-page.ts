// Server-rendered HTML of the iframe page and of the "open the add-on again" page. Every value from data
// goes through `esc`; nothing here ever receives credentials (page-data.ts does not load them).
import type { AdminLanguage } from '../../security/session-token.js';
import type { SettingDeclaration } from '../../profiles/index.js';
import { SCRIPT, STYLES } from './assets.js';
import { LOCALES, formatWait, t, type MessageKey, type Translate } from './i18n.js';
import type { PageData } from './page-data.js';
import { CARRIERS, type SettingValues } from './settings-form.js';

export const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface Notice {
  tone: 'ok' | 'warn' | 'err';
  message: string;
}

function layout(lang: AdminLanguage, nonce: string, title: string, body: string, withScript: boolean): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style nonce="${nonce}">${STYLES}</style>
</head>
<body>
${body}
${withScript ? `<script nonce="${nonce}">${SCRIPT}</script>` : ''}
</body>
</html>`;
}

export function renderErrorPage(lang: AdminLanguage, nonce: string, messageKey: MessageKey): string {
  const tr = t(lang);
  const body = `<main class="error-page" role="main"><h1>${esc(tr('error.title'))}</h1><p>${esc(tr(messageKey))}</p></main>`;
  return layout(lang, nonce, tr('error.title'), body, false);
}

function formatTime(lang: AdminLanguage, tr: Translate, value: string | Date | null | undefined): string {
  if (!value) return esc(tr('never'));
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return esc(tr('never'));
  const text = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Prague' }).format(date);
  return `<time datetime="${esc(date.toISOString())}">${esc(text)}</time>`;
}

const number = (lang: AdminLanguage, n: number) => new Intl.NumberFormat(LOCALES[lang]).format(n);

const STATUS_TONE: Record<string, string> = { active: 'ok', installing: '', failed: 'err', uninstalled: 'warn' };
const HEALTH_TONE: Record<string, string> = { healthy: 'ok', repaired: 'ok', failing: 'err', unknown: '' };

function badge(text: string, tone = ''): string {
  return `<span class="badge ${tone}">${esc(text)}</span>`;
}

function resourceName(tr: Translate, resource: string): string {
  return tr.maybe(`resource.${resource}`) ?? resource;
}

function progressCell(tr: Translate, data: PageData, resource: string, lang: AdminLanguage): string {
  const sync = data.live?.initialSync;
  if (sync && !sync.finishedAt) {
    const index = sync.resources.indexOf(resource as never);
    if (index >= 0 && index < sync.index) return badge(tr('progress.done'), 'ok');
    if (index === sync.index) {
      const total = sync.totalPages[resource];
      const page = Math.max(0, sync.nextPage - 1);
      if (!total) return `${badge(tr('progress.runningNoTotal'))}`;
      const label = tr('progress.running', { page: number(lang, page), total: number(lang, total) });
      return `<progress max="${total}" value="${Math.min(page, total)}" aria-label="${esc(resourceName(tr, resource))}: ${esc(label)}"></progress><div class="note">${esc(label)}</div>`;
    }
    if (index > sync.index) return badge(tr('progress.queued'));
  }
  if (data.live?.phase === 'live') return badge(tr('progress.live'), 'ok');
  return '';
}

function syncTable(tr: Translate, data: PageData, lang: AdminLanguage): string {
  const rows = Object.entries(data.counts)
    .map(([resource, count]) => {
      const fromQuery = data.live?.initialSync?.counts[resource];
      const shown = count === null && fromQuery === undefined ? '…' : number(lang, Math.max(count ?? 0, fromQuery ?? 0));
      return `<tr><th scope="row">${esc(resourceName(tr, resource))}</th><td class="num">${shown}</td><td>${progressCell(tr, data, resource, lang)}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th scope="col">${esc(tr('resource'))}</th><th scope="col" class="num">${esc(tr('records'))}</th><th scope="col">${esc(tr('progress'))}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function settingLabel(tr: Translate, d: SettingDeclaration): string {
  return tr.maybe(`setting.${d.key}`) ?? d.label;
}

function settingField(tr: Translate, d: SettingDeclaration, values: SettingValues, data: PageData): string {
  const id = `setting-${d.key}`;
  const label = esc(settingLabel(tr, d));
  const help = tr.maybe(`setting.${d.key}.help`) ?? d.description;
  const helpHtml = `<p class="help" id="${id}-help">${esc(help)}</p>`;
  const value = values[d.key];
  switch (d.type) {
    case 'boolean':
      return `<div class="field check"><label for="${id}"><input type="checkbox" id="${id}" name="${esc(d.key)}" value="true"${value === true ? ' checked' : ''} aria-describedby="${id}-help">${label}</label>${helpHtml}</div>`;
    case 'number':
      return `<div class="field"><label for="${id}">${label}</label><input type="number" id="${id}" name="${esc(d.key)}" value="${esc(value)}" step="1"${d.min !== undefined ? ` min="${d.min}"` : ''}${d.max !== undefined ? ` max="${d.max}"` : ''} required aria-describedby="${id}-help">${helpHtml}</div>`;
    case 'emailList':
      return `<div class="field"><label for="${id}">${label}</label><textarea id="${id}" name="${esc(d.key)}" aria-describedby="${id}-help">${esc(Array.isArray(value) ? value.join(', ') : '')}</textarea>${helpHtml}<p class="help">${esc(tr('emailListHint'))}</p></div>`;
    case 'mapping': {
      const pairs = (value ?? {}) as Record<string, string>;
      const options = d.from === 'shipments' ? data.shipments : [];
      const rows = options
        .map((option, i) => {
          const selectId = `${id}-${i}`;
          const choices = [
            `<option value="">${esc(tr('notPaired'))}</option>`,
            ...CARRIERS.map(
              (c) => `<option value="${esc(c.code)}"${pairs[option.id] === c.code ? ' selected' : ''}>${esc(c.name)}</option>`,
            ),
          ].join('');
          return `<tr><th scope="row"><label for="${selectId}">${esc(option.name)}</label></th><td><select id="${selectId}" name="${esc(d.key)}[${esc(option.id)}]">${choices}</select></td></tr>`;
        })
        .join('');
      const table = rows ? `<table><tbody>${rows}</tbody></table>` : `<p class="note">${esc(tr('noShipments'))}</p>`;
      return `<fieldset class="field"><legend><strong>${label}</strong></legend><p class="help">${esc(help)}</p>${table}</fieldset>`;
    }
  }
}

/** Poison records (issue 16.1): the count and the first ids, only when there are any. */
function quarantineLine(tr: Translate, data: PageData, lang: AdminLanguage): string {
  const q = data.quarantine;
  if (!q || q.count === 0) return '';
  const ids = q.ids.map((e) => `<li><code>${esc(e.resource)} ${esc(e.id)}</code></li>`).join('');
  return `<dt>${esc(tr('quarantined'))}</dt><dd data-quarantined="${q.count}">${badge(number(lang, q.count), 'warn')}<ul class="note">${ids}</ul><p class="note">${esc(tr('quarantinedNote'))}</p></dd>`;
}

/** Event deliveries to the vendor's system (issue 17.3), only when VENDOR_EVENTS_URL is set. */
function vendorEventsLine(tr: Translate, data: PageData, lang: AdminLanguage): string {
  const v = data.vendorEvents;
  if (!v) return '';
  const state = v.failingSince
    ? `${badge(tr('vendorEvents.failingSince'), 'err')} ${formatTime(lang, tr, v.failingSince)}`
    : badge(tr('vendorEvents.delivering'), 'ok');
  return `<dt>${esc(tr('vendorEvents'))}</dt><dd data-vendor-events="${v.failingSince ? 'failing' : 'delivering'}">${state}</dd>`;
}

export interface PageOptions {
  lang: AdminLanguage;
  nonce: string;
  session: string;
  data: PageData;
  /** A message after a form post without script (the script shows answers in place). */
  notice?: Notice & { form: 'settings' | 'sync' };
  /** Submitted values to show again after a rejected form post. */
  settingsOverride?: SettingValues;
}

export function renderPage({ lang, nonce, session, data, notice, settingsOverride }: PageOptions): string {
  const tr = t(lang);
  const live = data.live;
  const hidden = `<input type="hidden" name="session" value="${esc(session)}">`;
  const phase = live?.phase ?? 'unknown';
  const usagePct = data.usage.budget > 0 ? Math.round((data.usage.total / data.usage.budget) * 100) : 0;
  const result = (form: 'settings' | 'sync') =>
    `<div class="result${notice?.form === form ? ` ${notice.tone}` : ''}" role="status" aria-live="polite" data-result>${notice?.form === form ? esc(notice.message) : ''}</div>`;

  const header = `<header class="top"><h1>${esc(tr('title'))}</h1>${data.shop.projectName ? `<span class="shop">${esc(data.shop.projectName)}</span>` : ''}</header>`;
  const unavailable = live ? '' : `<div class="alert" role="status">${esc(tr('temporaryUnavailable'))}</div>`;
  const suspension = data.shop.suspension;
  const suspended = suspension
    ? `<section class="alert err" role="alert" aria-labelledby="h-suspended" data-suspended><h2 id="h-suspended">${esc(tr('suspended.title'))}</h2>
<p>${esc(tr('suspended.body'))}</p>
${suspension.reason ? `<p><strong>${esc(tr('suspended.reason', { reason: suspension.reason }))}</strong></p>` : ''}
<p class="note">${esc(tr('suspended.since'))}: ${formatTime(lang, tr, suspension.since)}</p>
<p>${esc(tr('suspended.action'))}</p></section>`
    : '';
  const shownPhase = suspension ? 'suspended' : phase;

  const account = `<section class="card" aria-labelledby="h-account"><h2 id="h-account">${esc(tr('account'))}</h2><dl>
<dt>${esc(tr('company'))}</dt><dd>${esc(data.account?.company ?? '—')}</dd>
${data.account?.companyNumber ? `<dt>${esc(tr('companyNumber'))}</dt><dd>${esc(data.account.companyNumber)}</dd>` : ''}
<dt>${esc(tr('installState'))}</dt><dd>${badge(tr.maybe(`status.${data.shop.status}`) ?? data.shop.status, STATUS_TONE[data.shop.status])}</dd>
${data.shop.installError ? `<dt></dt><dd class="note">${esc(data.shop.installError)}</dd>` : ''}
<dt>${esc(tr('profile'))}</dt><dd>${esc(data.profile ? `${data.profile.profile} v${data.profile.version}` : '—')}</dd>
<dt>${esc(tr('phase'))}</dt><dd>${badge(tr.maybe(`phase.${shownPhase}`) ?? shownPhase, shownPhase === 'live' ? 'ok' : shownPhase === 'suspended' ? 'err' : phase === 'unknown' ? 'warn' : '')}</dd>
</dl></section>`;

  const activity = `<section class="card" aria-labelledby="h-activity"><h2 id="h-activity">${esc(tr('activity'))}</h2><dl>
<dt>${esc(tr('lastWebhook'))}</dt><dd>${formatTime(lang, tr, live?.lastWebhookAt ?? data.shop.lastWebhookAt)}</dd>
<dt>${esc(tr('lastFlush'))}</dt><dd>${formatTime(lang, tr, live?.lastFlushAt)}</dd>
<dt>${esc(tr('webhookHealth'))}</dt><dd>${live ? badge(tr.maybe(`health.${live.webhookHealth}`) ?? live.webhookHealth, HEALTH_TONE[live.webhookHealth]) : '—'}</dd>
${live ? `<dt>${esc(tr('nextReconcile'))}</dt><dd>${formatTime(lang, tr, live.nextReconcileAt)}</dd>` : ''}
${quarantineLine(tr, data, lang)}
${vendorEventsLine(tr, data, lang)}
</dl>
<form method="post" action="/app/sync-now" data-ajax data-offline="${esc(tr('syncNow.unavailable'))}">${hidden}
<p class="note" id="sync-hint">${esc(tr('syncNowHint'))}</p>
<button type="submit" class="secondary" aria-describedby="sync-hint"${suspension ? ' disabled' : ''}>${esc(tr('syncNow'))}</button>
${suspension ? `<p class="note">${esc(tr('syncNow.suspended'))}</p>` : ''}
${live && live.syncNowAvailableInSeconds > 0 ? `<p class="note">${esc(tr('syncNow.cooldown', { wait: formatWait(tr, live.syncNowAvailableInSeconds) }))}</p>` : ''}
${result('sync')}</form></section>`;

  const usage = `<section class="card" aria-labelledby="h-usage"><h2 id="h-usage">${esc(tr('apiUse'))}</h2>
<meter min="0" max="${Math.max(data.usage.budget, 1)}" low="${Math.round(data.usage.budget * 0.8)}" high="${data.usage.budget}" optimum="0" value="${data.usage.total}" aria-describedby="usage-text"></meter>
<p id="usage-text"><strong>${esc(tr('apiUseOf', { used: number(lang, data.usage.total), budget: number(lang, data.usage.budget) }))}</strong> (${usagePct} %)</p>
<p class="note">${esc(tr('apiUseNote'))}</p></section>`;

  const sync = `<section class="card wide" aria-labelledby="h-sync"><h2 id="h-sync">${esc(tr('syncProgress'))}</h2>${syncTable(tr, data, lang)}</section>`;

  const declarations = data.profile?.settings ?? [];
  const values = settingsOverride ?? data.settings;
  const settings = `<section class="card wide" aria-labelledby="h-settings"><h2 id="h-settings">${esc(tr('settings'))}</h2>${
    declarations.length
      ? `<form method="post" action="/app/settings" data-ajax data-offline="${esc(tr('error.generic'))}">${hidden}${declarations.map((d) => settingField(tr, d, values, data)).join('')}<button type="submit">${esc(tr('save'))}</button>${result('settings')}</form>`
      : `<p class="note">${esc(tr('noSettings'))}</p>`
  }</section>`;

  const body = `${header}<main>${suspended}${unavailable}${account}${activity}${usage}${sync}${settings}</main>`;
  return layout(lang, nonce, tr('title'), body, true);
}
