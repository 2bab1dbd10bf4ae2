// Request fields shared by several vendor routes: the item rules and limits of src/profiles/back-sync-items.ts,
// which the back-sync activity checks again before anything leaves, so route and activity cannot disagree.
export { MAX_ITEMS, newsletterAccept, orderStatusFields } from '../../profiles/back-sync-items.js';
