// Custom search attributes shown in the Temporal UI per shop. Nothing secret or personal goes in them:
// the shop token is Upgates' opaque shop identifier, the rest is state.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ShopToken = defineSearchAttributeKey('ShopToken', SearchAttributeType.KEYWORD);
export const AddonProfile = defineSearchAttributeKey('AddonProfile', SearchAttributeType.KEYWORD);
export const SyncPhase = defineSearchAttributeKey('SyncPhase', SearchAttributeType.KEYWORD);
export const LastSyncAt = defineSearchAttributeKey('LastSyncAt', SearchAttributeType.DATETIME);

/** Names and CLI types, used to register them on a dev server (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTE_TYPES = {
  ShopToken: 'Keyword',
  AddonProfile: 'Keyword',
  SyncPhase: 'Keyword',
  LastSyncAt: 'Datetime',
} as const;
