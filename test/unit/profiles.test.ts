import { describe, expect, it } from 'vitest';
import {
  assertAccessDeclared,
  expectedCallsPerDay,
  getProfile,
  isAccessDeclared,
  latestVersion,
  PROFILE_NAMES,
  PROFILES,
  requiredAccesses,
  UndeclaredAccessError,
  UnknownProfileError,
  undeclaredAccesses,
  unusedAccesses,
  UPGATES_DAILY_MONITOR_LIMIT,
  webhookEventResource,
  type ProfileVersion,
} from '../../src/profiles/index.js';
import { RESOURCE_INFO } from '../../src/upgates/resources.js';

const ALL: ProfileVersion[] = Object.values(PROFILES).flat();
const label = (pv: ProfileVersion) => `${pv.profile} v${pv.version}`;

describe('profile registry', () => {
  it('has the three profiles with versions 1 and 2', () => {
    expect(PROFILE_NAMES.sort()).toEqual(['emailing', 'expedition', 'fulfillment']);
    for (const name of PROFILE_NAMES) {
      expect(latestVersion(name)).toBeGreaterThanOrEqual(2);
      expect(getProfile(name).version).toBe(latestVersion(name));
      expect(getProfile(name, 1).version).toBe(1);
      expect(getProfile(name, 1).profile).toBe(name);
    }
  });

  it('throws a typed error for an unknown version or name', () => {
    expect(() => getProfile('expedition', 99)).toThrow(UnknownProfileError);
    expect(() => getProfile('nope' as 'expedition')).toThrow(UnknownProfileError);
  });

  it('guards undeclared accesses', () => {
    const pv = getProfile('expedition', 1);
    expect(isAccessDeclared(pv, 'orders:GET')).toBe(true);
    expect(isAccessDeclared(pv, 'customers:GET')).toBe(false);
    expect(() => assertAccessDeclared(pv, 'orders:PUT')).not.toThrow();
    const error = (() => {
      try {
        assertAccessDeclared(pv, 'products:PUT');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UndeclaredAccessError);
    expect(error).toMatchObject({ profile: 'expedition', version: 1, access: 'products:PUT' });
  });
});

describe.each(ALL.map((pv) => [label(pv), pv] as const))('%s consistency', (_name, pv) => {
  it('declares every access its webhooks, syncs, back-syncs and conversion codes need', () => {
    expect(undeclaredAccesses(pv)).toEqual([]);
  });

  it('declares nothing it does not use', () => {
    expect(unusedAccesses(pv)).toEqual([]);
  });

  it('declares each access once, with a purpose, frequency and non-negative volume', () => {
    const accesses = pv.accesses.map((a) => a.access);
    expect(new Set(accesses).size).toBe(accesses.length);
    for (const a of pv.accesses) {
      expect(a.purpose.length, a.access).toBeGreaterThan(10);
      expect(a.frequency.length, a.access).toBeGreaterThan(5);
      expect(a.repetition.length, a.access).toBeGreaterThan(2);
      expect(Number.isInteger(a.expectedCallsPerDay) && a.expectedCallsPerDay >= 0, a.access).toBe(true);
    }
  });

  it('uses only real, unique webhook events', () => {
    expect(new Set(pv.webhookEvents).size).toBe(pv.webhookEvents.length);
    for (const event of pv.webhookEvents) {
      expect(event).toMatch(/^[A-Za-z]+\.(create|update|delete)$/);
      expect(webhookEventResource(event), event).toBeDefined();
    }
  });

  it('respects Upgates batch limits and keeps settings referenced by back-sync', () => {
    const settingKeys = new Set(pv.settings.map((s) => s.key));
    for (const action of pv.backSync) {
      expect(action.maxBatch).toBeGreaterThanOrEqual(1);
      expect(action.maxBatch).toBeLessThanOrEqual(100);
      for (const key of action.settingKeys ?? []) expect(settingKeys.has(key), `${action.id} -> ${key}`).toBe(true);
      for (const forbidden of action.forbiddenFields ?? []) expect(action.fields).not.toContain(forbidden);
    }
  });

  it('stays far below the 60,000 calls/day monitor', () => {
    expect(expectedCallsPerDay(pv)).toBeLessThan(UPGATES_DAILY_MONITOR_LIMIT / 10);
  });

  it('has no duplicate conversion code slots', () => {
    const keys = (pv.conversionCodes ?? []).map((c) => `${c.position}|${c.language_id ?? '*'}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('seed profile content', () => {
  it('expedition writes status and tracking code with send_emails_yn, at most 100 orders per PUT', () => {
    for (const pv of PROFILES.expedition) {
      const action = pv.backSync.find((a) => a.access === 'orders:PUT');
      expect(action?.maxBatch).toBe(100);
      expect(action?.fields).toEqual(expect.arrayContaining(['orders[].status_id', 'orders[].tracking_code', 'send_emails_yn']));
    }
  });

  it('fulfillment never sends stock_increment in its stock writes', () => {
    for (const pv of PROFILES.fulfillment) {
      const stock = pv.backSync.find((a) => a.id === 'stock');
      expect(stock?.access).toBe('products:PUT');
      expect(stock?.fields.some((f) => f.includes('stock_increment'))).toBe(false);
      expect(stock?.forbiddenFields).toEqual(
        expect.arrayContaining(['products[].stock_increment', 'products[].variants[].stock_increment']),
      );
    }
  });

  it('fulfillment contains everything expedition does in the same version', () => {
    for (const version of [1, 2]) {
      const exp = getProfile('expedition', version);
      const ful = getProfile('fulfillment', version);
      const fulAccesses = ful.accesses.map((a) => a.access);
      for (const a of exp.accesses) expect(fulAccesses).toContain(a.access);
      for (const e of exp.webhookEvents.filter((ev) => !ev.startsWith('Shipments.'))) expect(ful.webhookEvents).toContain(e);
    }
  });

  it('emailing reads and writes customers, handles conversion codes, vouchers and Languages.create', () => {
    for (const pv of PROFILES.emailing) {
      for (const a of [
        'customers:GET',
        'customers:POST',
        'customers:PUT',
        'conversionCodes:POST',
        'conversionCodes:DELETE',
        'vouchers:POST',
        'vouchers:DELETE',
        'languages:GET',
      ] as const) {
        expect(isAccessDeclared(pv, a), a).toBe(true);
      }
      expect(pv.webhookEvents).toContain('Languages.create');
      expect(pv.conversionCodes?.length).toBeGreaterThan(0);
    }
  });

  it('every profile manages its webhooks and reads the owner', () => {
    for (const pv of ALL) {
      for (const a of ['owner:GET', 'webhooks:GET', 'webhooks:POST', 'webhooks:PUT', 'webhooks:DELETE'] as const)
        expect(isAccessDeclared(pv, a), `${label(pv)} ${a}`).toBe(true);
    }
  });

  it('requiredAccesses explains why each access is needed', () => {
    const reasons = requiredAccesses(getProfile('emailing', 1)).find((r) => r.access === 'languages:GET')?.reasons ?? [];
    expect(reasons).toEqual(expect.arrayContaining(['webhook Languages.create: fetch the changed records', 'code list languages']));
  });

  it('the webhook families map back to resources', () => {
    expect(webhookEventResource('Orders.update')).toBe('orders');
    expect(webhookEventResource('OrderStatuses.delete')).toBe('orderStatuses');
    expect(webhookEventResource('Vouchers.create')).toBeUndefined();
    expect(RESOURCE_INFO.orders.webhookFamily).toBe('Orders');
  });
});
