// A profile is data: what one add-on version may call, which webhooks it registers, what it syncs and
// what it writes back. The runtime enforces it (assertAccessDeclared), the version-change workflow diffs
// it, and `npm run manifest` prints it for the Marketplace form, so the three can never disagree.
// Pure types and data only: workflows import this folder, so no Node built-ins or I/O here.
import type { AddonProfileName } from '../config.js';
import type { Access, Resource } from '../upgates/resources.js';

export type { AddonProfileName };

/** One line of the Marketplace "API Accesses" form: access type + part, and why/how often. */
export interface ApiAccessDeclaration {
  access: Access;
  purpose: string;
  /** Human wording as the Marketplace form asks, e.g. 'on webhook, batched up to 100 ids per call'. */
  frequency: string;
  /** Expected calls per shop per day in steady state (install-time bursts are described in `repetition`). */
  expectedCallsPerDay: number;
  /** When the calls repeat: 'continuous', 'daily', 'once at install', ... */
  repetition: string;
}

export type ConversionCodePosition = 'head' | 'body_top' | 'body_bottom' | 'order_head' | 'order_body_top' | 'order_body_bottom';

/** A conversion code the add-on owns. Without language_id it applies to every language mutation. */
export interface ConversionCodeDeclaration {
  position: ConversionCodePosition;
  language_id?: string;
  code: string;
}

/** A write from our side into Upgates. Each action makes exactly one kind of call. */
export interface BackSyncAction {
  /** Stable id the activities switch on, e.g. 'order-status'. */
  id: string;
  description: string;
  access: Access;
  /** What makes us call: 'vendor reports a status change', 'campaign created', ... */
  trigger: string;
  /** Most records one call may carry (Upgates answers 413 above its limit). */
  maxBatch: number;
  /** Fields written, as paths in the request body. */
  fields: string[];
  /** Fields this action must never send: an invariant, enforced by the request builder and its tests. */
  forbiddenFields?: string[];
  /** Setting keys (SettingDeclaration.key) that shape the request. */
  settingKeys?: string[];
  /** Invariants in words, printed in the manifest for the reviewer. */
  rules?: string[];
}

interface SettingBase {
  key: string;
  label: string;
  description: string;
}
export type SettingDeclaration =
  | (SettingBase & { type: 'boolean'; default: boolean })
  | (SettingBase & { type: 'emailList'; default: string[] })
  | (SettingBase & { type: 'number'; default: number; min?: number; max?: number })
  /** Pairs records of an Upgates resource (by id) with values on the vendor side, e.g. shipment -> carrier. */
  | (SettingBase & { type: 'mapping'; from: Resource; to: string; default: Record<string, string> });

export interface InitialSyncScope {
  resource: Resource;
  /** Only records changed in the last N days (orders); absent: everything. */
  lookbackDays?: number;
}

export interface ProfileVersion {
  profile: AddonProfileName;
  version: number;
  /** What changed against the previous version, in the words of the release notes. */
  releaseNotes: string;
  accesses: ApiAccessDeclaration[];
  /** Upgates event names, e.g. 'Orders.update'. */
  webhookEvents: string[];
  initialSync: InitialSyncScope[];
  /** Code lists cached at install and refreshed daily (and on webhook where one exists). */
  codeLists: Resource[];
  backSync: BackSyncAction[];
  conversionCodes?: ConversionCodeDeclaration[];
  settings: SettingDeclaration[];
}
