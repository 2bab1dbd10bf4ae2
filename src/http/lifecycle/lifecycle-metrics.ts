// What the lifecycle callbacks tell us about the unknowns of the real platform (issue 13.1): the first real
// install shows whether `time` is a signing time (negative offsets) or an expiry (positive ones), and which
// Upgates version identifiers arrive that UPGATES_VERSIONS does not map.
import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../../metrics/registry.js';

export const signatureTimeOffset = new Histogram({
  name: 'upgates_signature_time_offset_seconds',
  help: 'Lifecycle callback `time` minus its arrival, in seconds (positive: time reads as an expiry; negative: as a signing time).',
  labelNames: ['callback'] as const,
  buckets: [-86_400, -21_600, -3_600, -600, -60, -5, 5, 60, 600, 3_600, 21_600, 86_400],
  registers: [metricsRegistry],
});

export const signatureRefusals = new Counter({
  name: 'upgates_callback_signatures_refused_total',
  help: 'Lifecycle callbacks refused after a valid signature: time outside the window, or a signature already used elsewhere.',
  labelNames: ['callback', 'reason'] as const,
  registers: [metricsRegistry],
});

export const unmappedVersions = new Counter({
  name: 'upgates_unmapped_versions_total',
  help: 'Upgates add-on version identifiers UPGATES_VERSIONS does not map (install: first manifest used; version change: refused).',
  labelNames: ['callback'] as const,
  registers: [metricsRegistry],
});
