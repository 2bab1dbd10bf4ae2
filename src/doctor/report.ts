// The doctor's verdict: what was found, which findings block going live (each named), and how it is shown,
// as a readable table or as JSON for machines.
import type { Manifest } from '../profiles/manifest.js';
import type { Access } from '../upgates/resources.js';
import type { CheckResult } from './deployment-checks.js';
import type { ProbeResult } from './probes.js';

export interface DoctorReport {
  ready: boolean;
  /** Each one stops the add-on on a live shop; exit code 1 when any. */
  blockers: string[];
  warnings: string[];
  profile: string;
  version: number;
  environment: string;
  apiUrl: string;
  configuration: CheckResult;
  apiUrlPolicy: CheckResult & { productionRefusal?: string };
  credentials: CheckResult;
  probes: ProbeResult[];
  accesses: {
    declared: Access[];
    granted: Access[];
    notGranted: Access[];
    /** A probe failed for another reason (throttled, 5xx, network, credentials): grant unknown. */
    unknown: Access[];
    /** Declared writes: the doctor never writes, so their grant cannot be seen. */
    notVerified: Access[];
  };
  /** X-Rate-Limit-* of the last answer that carried them. */
  rateLimit: Record<string, string>;
  webhooks: CheckResult & { registered?: number; inactive?: number; eventsNotAllowed: string[] };
  signaturePublicKey: CheckResult;
  publicUrl: CheckResult;
  /** The Marketplace API-access declaration of the same profile version (`npm run manifest`). */
  declaration: Manifest;
}

export type ReportInput = Omit<DoctorReport, 'ready' | 'blockers' | 'warnings' | 'accesses' | 'rateLimit' | 'webhooks' | 'credentials'> & {
  webhookEvents: string[];
};

const GRANT_PROVEN: ProbeResult['outcome'][] = ['ok', 'schema-mismatch'];

export function buildReport(input: ReportInput): DoctorReport {
  const { probes, webhookEvents, ...rest } = input;
  const blockers: string[] = [];
  const warnings: string[] = [];
  const reads = [...new Set(probes.map((p) => p.access))];
  const declared = input.declaration.accesses.map((a) => a.access);
  const outcomesOf = (a: Access) => probes.filter((p) => p.access === a).map((p) => p.outcome);
  const granted = reads.filter((a) => outcomesOf(a).some((o) => GRANT_PROVEN.includes(o)));
  const notGranted = reads.filter((a) => !granted.includes(a) && outcomesOf(a).includes('not-granted'));
  const unknown = reads.filter((a) => !granted.includes(a) && !notGranted.includes(a));

  if (!input.configuration.ok) blockers.push(`configuration: ${input.configuration.detail}`);
  if (!input.apiUrlPolicy.ok) blockers.push(`API URL: ${input.apiUrlPolicy.detail}`);
  if (input.apiUrlPolicy.productionRefusal) warnings.push(`API URL: in production ${input.apiUrlPolicy.productionRefusal}`);

  const owner = probes[0];
  const credentials: CheckResult =
    owner?.outcome === 'credentials-rejected'
      ? { ok: false, target: owner.endpoint, detail: 'rejected (401); nothing else was sent (5 failed logins block the IP for an hour)' }
      : probes.length > 0 && probes.every((p) => p.outcome === 'not-granted')
        ? {
            ok: false,
            target: owner?.endpoint ?? '',
            detail: 'every endpoint answered 403: API user inactive or IP blocked after failed logins?',
          }
        : {
            // A 403 means the login passed (the access is what is missing); a 429 or 5xx says nothing either way.
            ok: owner !== undefined && ['ok', 'schema-mismatch', 'not-granted'].includes(owner.outcome),
            target: owner?.endpoint ?? '-',
            detail: !owner
              ? 'not checked: nothing was sent'
              : ['ok', 'schema-mismatch', 'not-granted'].includes(owner.outcome)
                ? `accepted (${owner.endpoint}: ${owner.outcome})`
                : `not determined (${owner.endpoint}: ${owner.outcome})`,
          };
  if (!credentials.ok) blockers.push(`credentials: ${credentials.detail}`);

  for (const p of probes) {
    if (p.outcome === 'not-granted') blockers.push(`access ${p.access} not granted: ${p.endpoint} answered 403`);
    else if (p.outcome === 'schema-mismatch') {
      blockers.push(`${p.endpoint} answer does not fit the client's schema: ${p.issues.map((i) => `${i.path} (${i.message})`).join('; ')}`);
    } else if (p.outcome === 'throttled' || p.outcome === 'error')
      blockers.push(`${p.endpoint} could not be checked: ${p.message ?? p.outcome}`);
  }

  const webhooks = webhookCheck(probes, webhookEvents);
  // Without working credentials the pre-check could not run; the credentials blocker says why.
  if (!webhooks.ok && credentials.ok) blockers.push(`webhooks: ${webhooks.detail}`);
  if (webhooks.inactive)
    warnings.push(`${webhooks.inactive} registered webhook(s) deactivated by Upgates (re-enabled at the next registration)`);

  if (!input.signaturePublicKey.ok)
    blockers.push(`signature public key (${input.signaturePublicKey.target}): ${input.signaturePublicKey.detail}`);
  if (!input.publicUrl.ok) blockers.push(`public URL (${input.publicUrl.target}): ${input.publicUrl.detail}`);

  const rateLimit = probes.map((p) => p.rateLimit).findLast((r) => Object.keys(r).length > 0) ?? {};
  if (Object.keys(rateLimit).length === 0 && granted.length > 0) {
    warnings.push('no X-Rate-Limit-* headers in any answer (verified add-ons get none; others: check the tariff limits)');
  }

  return {
    ...rest,
    ready: blockers.length === 0,
    blockers,
    warnings,
    credentials,
    probes,
    accesses: { declared, granted, notGranted, unknown, notVerified: declared.filter((a) => !a.endsWith(':GET')) },
    rateLimit,
    webhooks,
  };
}

/** The webhook pre-check: GET /webhooks answers, and every event the profile registers is allowed to this user. */
function webhookCheck(probes: ProbeResult[], wanted: string[]): DoctorReport['webhooks'] {
  const list = probes.find((p) => p.endpoint.startsWith('GET /webhooks?'));
  const events = probes.find((p) => p.endpoint === 'GET /webhooks/events');
  if (wanted.length === 0) return { ok: true, target: '-', detail: 'the profile registers no webhooks', eventsNotAllowed: [] };
  if (!list || list.outcome !== 'ok')
    return {
      ok: false,
      target: 'GET /webhooks',
      detail: `GET /webhooks did not answer (${list?.outcome ?? 'not probed'})`,
      eventsNotAllowed: [],
    };
  const registered = list.webhooks?.total;
  const inactive = list.webhooks?.inactive;
  if (!events || events.outcome !== 'ok' || !events.allowedEvents) {
    return {
      ok: false,
      target: 'GET /webhooks/events',
      detail: `the event list did not answer (${events?.outcome ?? 'not probed'})`,
      registered,
      inactive,
      eventsNotAllowed: [],
    };
  }
  const allowed = new Set(events.allowedEvents);
  const eventsNotAllowed = wanted.filter((e) => !allowed.has(e));
  return eventsNotAllowed.length
    ? {
        ok: false,
        target: 'GET /webhooks/events',
        detail: `Upgates would refuse these events: ${eventsNotAllowed.join(', ')}`,
        registered,
        inactive,
        eventsNotAllowed,
      }
    : {
        ok: true,
        target: 'GET /webhooks/events',
        detail: `all ${wanted.length} events the profile registers are allowed`,
        registered,
        inactive,
        eventsNotAllowed,
      };
}

// ---- rendering ------------------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');

export function renderReportText(report: DoctorReport, declarationMarkdown: string): string {
  const r = report;
  const lines: string[] = [
    '=== Marketplace API-access declaration (npm run manifest) ===',
    '',
    declarationMarkdown.trimEnd(),
    '',
    `=== Readiness of profile ${r.profile} v${r.version} against ${r.apiUrl} (${r.environment}) ===`,
    '',
    ...table(
      ['Endpoint', 'Access', 'Result', 'HTTP', 'ms', 'Items'],
      r.probes.map((p) => [
        p.endpoint,
        p.access,
        p.outcome,
        String(p.httpStatus ?? '-'),
        String(p.latencyMs ?? '-'),
        String(p.items ?? '-'),
      ]),
    ),
  ];
  const mismatches = r.probes.filter((p) => p.issues.length > 0);
  if (mismatches.length) {
    lines.push('', 'Fields that did not fit the schema:');
    for (const p of mismatches) for (const i of p.issues) lines.push(`  ${p.endpoint}  ${i.path}: ${i.message}`);
  }
  const list = (items: string[]) => (items.length ? items.join(', ') : '-');
  lines.push(
    '',
    'Accesses (declared in the manifest):',
    `  granted       ${list(r.accesses.granted)}`,
    `  NOT granted   ${list(r.accesses.notGranted)}`,
    `  unknown       ${list(r.accesses.unknown)}`,
    `  not verified  ${list(r.accesses.notVerified)}  (writes: the doctor never writes)`,
    '',
    `Rate limit (last answer): ${
      Object.keys(r.rateLimit).length
        ? Object.entries(r.rateLimit)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')
        : 'no X-Rate-Limit-* headers'
    }`,
    '',
    ...table(
      ['Check', 'Result', 'Target', 'Detail'],
      [
        ['configuration', mark(r.configuration.ok), r.configuration.target, r.configuration.detail],
        ['API URL policy', mark(r.apiUrlPolicy.ok), r.apiUrlPolicy.target, r.apiUrlPolicy.detail],
        ['credentials', mark(r.credentials.ok), r.credentials.target, r.credentials.detail],
        [
          'webhook pre-check',
          mark(r.webhooks.ok),
          r.webhooks.target,
          `${r.webhooks.detail}${r.webhooks.registered !== undefined ? `; ${r.webhooks.registered} registered, ${r.webhooks.inactive ?? 0} inactive` : ''}`,
        ],
        ['signature public key', mark(r.signaturePublicKey.ok), r.signaturePublicKey.target, withMs(r.signaturePublicKey)],
        ['public URL /healthz', mark(r.publicUrl.ok), r.publicUrl.target, withMs(r.publicUrl)],
      ],
    ),
  );
  if (r.warnings.length) lines.push('', 'Warnings:', ...r.warnings.map((w) => `  - ${w}`));
  lines.push('');
  if (r.ready) lines.push('READY: nothing found that blocks going live.');
  else lines.push(`NOT READY: ${r.blockers.length} blocker(s):`, ...r.blockers.map((b) => `  - ${b}`));
  return `${lines.join('\n')}\n`;
}

const withMs = (c: CheckResult) => (c.latencyMs !== undefined ? `${c.detail} (${c.latencyMs} ms)` : c.detail);
