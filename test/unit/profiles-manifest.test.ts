import { describe, expect, it } from 'vitest';
import { expectedCallsPerDay, PROFILES, type ProfileVersion } from '../../src/profiles/index.js';
import { buildManifest, renderManifestMarkdown } from '../../src/profiles/manifest.js';
import { runPrintManifest } from '../../src/profiles/print-manifest.js';

const ALL: ProfileVersion[] = Object.values(PROFILES).flat();

describe.each(ALL.map((pv) => [`${pv.profile} v${pv.version}`, pv] as const))('manifest of %s', (_name, pv) => {
  const markdown = renderManifestMarkdown(pv);
  const manifest = buildManifest(pv);

  it('lists every access as a type/part row with purpose and volume', () => {
    for (const a of manifest.accesses) {
      expect(markdown).toContain(`| ${a.type} | ${a.part} | ${a.purpose.replace(/\|/g, '\\|')} |`);
      expect(a.label).toBe(`${a.type} — ${a.part}`);
    }
    expect(manifest.accesses.map((a) => a.access)).toEqual(pv.accesses.map((a) => a.access));
  });

  it('lists webhooks, initial sync, back-sync and the daily total', () => {
    for (const e of pv.webhookEvents) expect(markdown).toContain(`\`${e}\``);
    for (const b of pv.backSync) expect(markdown).toContain(`**${b.id}** (${b.access}`);
    for (const s of pv.initialSync.filter((x) => x.lookbackDays)) expect(markdown).toContain(`last ${s.lookbackDays} days`);
    expect(markdown).toContain(`Total expected calls per shop and day: ${expectedCallsPerDay(pv)}`);
    expect(markdown).toContain('60,000/day');
  });
});

describe('print-manifest CLI', () => {
  it('prints Markdown for the latest version by default', () => {
    const { code, output } = runPrintManifest(['expedition']);
    expect(code).toBe(0);
    expect(output).toContain('# Add-on profile `expedition`, version 2');
    expect(output).toContain('| Objednávky / Orders | GET |');
  });

  it('prints JSON for a given version', () => {
    const { code, output } = runPrintManifest(['fulfillment', '--version', '1', '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(output) as { version: number; accesses: { label: string }[]; monitorLimitPerDay: number };
    expect(parsed.version).toBe(1);
    expect(parsed.monitorLimitPerDay).toBe(60_000);
    expect(parsed.accesses.map((a) => a.label)).toContain('Produkty / Products — PUT');
  });

  it('fails with usage on bad input', () => {
    expect(runPrintManifest([]).code).toBe(2);
    expect(runPrintManifest(['nope']).code).toBe(2);
    expect(runPrintManifest(['emailing', '--version', 'x']).code).toBe(2);
    expect(runPrintManifest(['emailing', '--version', '9'])).toMatchObject({ code: 2, output: expect.stringContaining('no version 9') });
  });
});
