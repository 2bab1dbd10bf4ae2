// The Marketplace declaration a reviewer reads, rendered from the same data the runtime enforces.
import type { Resource } from '../upgates/resources.js';
import { expectedCallsPerDay, UPGATES_DAILY_MONITOR_LIMIT } from './index.js';
import type { ApiAccessDeclaration, ProfileVersion } from './types.js';

/** Access type names as the Marketplace form shows them (Czech / English). */
export const ACCESS_TYPE_LABELS: Record<Resource, string> = {
  owner: 'Provozovatel / Owner',
  config: 'Nastavení / Config',
  languages: 'Jazyky / Languages',
  orders: 'Objednávky / Orders',
  orderStatuses: 'Stavy objednávek / Order statuses',
  products: 'Produkty / Products',
  parameters: 'Parametry / Parameters',
  categories: 'Kategorie / Categories',
  customers: 'Zákazníci / Customers',
  shipments: 'Dopravy / Shipments',
  payments: 'Platby / Payments',
  webhooks: 'Webhooky / Webhooks',
  conversionCodes: 'Konverzní kódy / Conversion codes',
  vouchers: 'Slevové kupóny / Vouchers',
};

export interface ManifestAccess extends ApiAccessDeclaration {
  /** "Objednávky / Orders — GET" */
  label: string;
  type: string;
  part: string;
}

export interface Manifest {
  profile: string;
  version: number;
  releaseNotes: string;
  accesses: ManifestAccess[];
  webhookEvents: string[];
  initialSync: ProfileVersion['initialSync'];
  codeLists: ProfileVersion['codeLists'];
  backSync: ProfileVersion['backSync'];
  conversionCodes: NonNullable<ProfileVersion['conversionCodes']>;
  settings: ProfileVersion['settings'];
  totalExpectedCallsPerDay: number;
  monitorLimitPerDay: number;
}

export function accessLabel(declaration: ApiAccessDeclaration): { label: string; type: string; part: string } {
  const [resource, method] = declaration.access.split(':') as [Resource, string];
  const type = ACCESS_TYPE_LABELS[resource];
  return { label: `${type} — ${method}`, type, part: method };
}

export function buildManifest(pv: ProfileVersion): Manifest {
  return {
    profile: pv.profile,
    version: pv.version,
    releaseNotes: pv.releaseNotes,
    accesses: pv.accesses.map((d) => ({ ...d, ...accessLabel(d) })),
    webhookEvents: pv.webhookEvents,
    initialSync: pv.initialSync,
    codeLists: pv.codeLists,
    backSync: pv.backSync,
    conversionCodes: pv.conversionCodes ?? [],
    settings: pv.settings,
    totalExpectedCallsPerDay: expectedCallsPerDay(pv),
    monitorLimitPerDay: UPGATES_DAILY_MONITOR_LIMIT,
  };
}

// Table cells must not break the Markdown table.
const cell = (text: string | number) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderManifestMarkdown(pv: ProfileVersion): string {
  const m = buildManifest(pv);
  const share = ((m.totalExpectedCallsPerDay / m.monitorLimitPerDay) * 100).toFixed(1);
  const lines = [
    `# Add-on profile \`${m.profile}\`, version ${m.version}`,
    '',
    m.releaseNotes,
    '',
    '## API přístupy / API accesses',
    '',
    '| Typ přístupu / Access type | Část / Part | Purpose | Frequency | Expected calls/day | Repetition |',
    '| --- | --- | --- | --- | ---: | --- |',
    ...m.accesses.map(
      (a) =>
        `| ${cell(a.type)} | ${a.part} | ${cell(a.purpose)} | ${cell(a.frequency)} | ${a.expectedCallsPerDay} | ${cell(a.repetition)} |`,
    ),
    '',
    `**Total expected calls per shop and day: ${m.totalExpectedCallsPerDay}** ` +
      `(${share} % of Upgates' ${m.monitorLimitPerDay.toLocaleString('en-US')}/day automatic-control threshold; ` +
      'install-day bursts are described per access).',
    '',
    '## Webhooks',
    '',
    ...m.webhookEvents.map((e) => `- \`${e}\``),
    '',
    '## Initial sync',
    '',
    ...m.initialSync.map(
      (s) => `- ${ACCESS_TYPE_LABELS[s.resource]}: ${s.lookbackDays ? `changed in the last ${s.lookbackDays} days` : 'all records'}`,
    ),
    `- Code lists (cached, refreshed daily): ${m.codeLists.map((r) => ACCESS_TYPE_LABELS[r]).join(', ')}`,
    '',
    '## Back-sync (writes to the shop)',
    '',
    ...m.backSync.flatMap((b) => [
      `- **${b.id}** (${b.access}, up to ${b.maxBatch} per call): ${b.description} Trigger: ${b.trigger}.`,
      `  - fields: ${b.fields.map((f) => `\`${f}\``).join(', ')}`,
      ...(b.forbiddenFields?.length ? [`  - never sent: ${b.forbiddenFields.map((f) => `\`${f}\``).join(', ')}`] : []),
      ...(b.rules ?? []).map((r) => `  - rule: ${r}`),
    ]),
  ];
  if (m.conversionCodes.length) {
    lines.push(
      '',
      '## Conversion codes',
      '',
      ...m.conversionCodes.map((c) => `- ${c.position} (${c.language_id ?? 'all languages'}): \`${c.code}\``),
    );
  }
  lines.push('', '## Settings', '', ...m.settings.map((s) => `- **${s.label}** (\`${s.key}\`, ${s.type}): ${s.description}`), '');
  return lines.join('\n');
}
