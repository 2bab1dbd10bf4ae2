// Deterministic workflow ids: one install, one shop-sync and one uninstall workflow per shop token, so
// duplicate callbacks attach to the same execution instead of starting a second one.
export const installWorkflowId = (shopToken: string) => `install:${shopToken}`;
export const shopWorkflowId = (shopToken: string) => `shop:${shopToken}`;
export const uninstallWorkflowId = (shopToken: string) => `uninstall:${shopToken}`;
export const versionWorkflowId = (shopToken: string, version: number) => `version:${shopToken}:${version}`;
/** The shop's event deliveries to the vendor's system (workflows/vendor-events.ts). */
export const vendorEventsWorkflowId = (shopToken: string) => `vendor-events:${shopToken}`;
