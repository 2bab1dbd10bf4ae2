import { describe, expect, it } from 'vitest';
import { diffProfiles, getProfile, PROFILES, type ProfileVersion } from '../../src/profiles/index.js';

describe('diffProfiles', () => {
  it('is empty for identical versions', () => {
    for (const pv of Object.values(PROFILES).flat()) {
      expect(diffProfiles(pv, pv)).toEqual({
        webhooksToAdd: [],
        webhooksToRemove: [],
        conversionCodesToAdd: [],
        conversionCodesToUpdate: [],
        conversionCodesToRemove: [],
        resourcesToSync: [],
        accessesAdded: [],
        accessesRemoved: [],
      });
    }
  });

  it('expedition 1 -> 2 adds Shipments webhooks and drops OrderStatuses.create', () => {
    const d = diffProfiles(getProfile('expedition', 1), getProfile('expedition', 2));
    expect(d.webhooksToAdd).toEqual(['Shipments.create', 'Shipments.update', 'Shipments.delete']);
    expect(d.webhooksToRemove).toEqual(['OrderStatuses.create']);
    expect(d.resourcesToSync).toEqual([]);
    expect(d.accessesAdded).toEqual([]);
  });

  it('fulfillment 1 -> 2 adds categories: access, webhooks and a sync', () => {
    const d = diffProfiles(getProfile('fulfillment', 1), getProfile('fulfillment', 2));
    expect(d.accessesAdded).toEqual(['categories:GET']);
    expect(d.resourcesToSync).toEqual(['categories']);
    expect(d.webhooksToAdd).toEqual(['Categories.create', 'Categories.update', 'Categories.delete']);
    expect(d.webhooksToRemove).toEqual(['OrderStatuses.create']);
  });

  it('emailing 1 -> 2 moves the tracker and adds purchase tracking', () => {
    const d = diffProfiles(getProfile('emailing', 1), getProfile('emailing', 2));
    expect(d.conversionCodesToAdd.map((c) => c.position)).toEqual(['head', 'order_body_bottom']);
    expect(d.conversionCodesToRemove.map((c) => c.position)).toEqual(['body_bottom']);
    expect(d.conversionCodesToUpdate).toEqual([]);
    expect(d.webhooksToAdd).toEqual(['Languages.update']);
    expect(d.webhooksToRemove).toEqual(['Categories.create']);
  });

  it('downgrade is the mirror image', () => {
    const up = diffProfiles(getProfile('fulfillment', 1), getProfile('fulfillment', 2));
    const down = diffProfiles(getProfile('fulfillment', 2), getProfile('fulfillment', 1));
    expect(down.webhooksToAdd).toEqual(up.webhooksToRemove);
    expect(down.webhooksToRemove).toEqual(up.webhooksToAdd);
    expect(down.accessesRemoved).toEqual(up.accessesAdded);
    expect(down.resourcesToSync).toEqual([]); // nothing to sync when scope shrinks
  });

  it('treats a changed code in the same slot as an update, and language-specific slots as distinct', () => {
    const base = getProfile('emailing', 1);
    const a: ProfileVersion = {
      ...base,
      conversionCodes: [
        { position: 'head', code: 'A' },
        { position: 'head', language_id: 'cs', code: 'C' },
      ],
    };
    const b: ProfileVersion = {
      ...base,
      conversionCodes: [
        { position: 'head', code: 'B' },
        { position: 'head', language_id: 'sk', code: 'C' },
      ],
    };
    const d = diffProfiles(a, b);
    expect(d.conversionCodesToUpdate).toEqual([{ position: 'head', code: 'B' }]);
    expect(d.conversionCodesToAdd).toEqual([{ position: 'head', language_id: 'sk', code: 'C' }]);
    expect(d.conversionCodesToRemove).toEqual([{ position: 'head', language_id: 'cs', code: 'C' }]);
  });

  it('does not re-sync a resource that moves from code list to initial sync', () => {
    const base = getProfile('expedition', 1);
    const moved: ProfileVersion = {
      ...base,
      codeLists: base.codeLists.filter((r) => r !== 'shipments'),
      initialSync: [...base.initialSync, { resource: 'shipments' }],
    };
    expect(diffProfiles(base, moved).resourcesToSync).toEqual([]);
  });
});
