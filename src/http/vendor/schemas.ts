// Request fields shared by several vendor routes. Item rules come from the back-sync activity's schemas
// (the activity validates again before anything leaves), so route and activity cannot disagree.
import { z } from 'zod';

/** Upgates refuses a PUT with more than 100 items (413); we refuse it before it reaches the workflow. */
export const MAX_ITEMS = 100;

export const orderStatusFields = {
  status_id: z.coerce.number().int().positive().optional(),
  tracking_code: z.string().min(1).max(255).optional(),
};

export const newsletterAccept = z.enum(['yes', 'no', 'notset']);
