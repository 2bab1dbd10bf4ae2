// Parses a response with its schema. A mismatch is an error naming the resource and the issues, never a
// silent drop: losing records quietly would desynchronise the shop without anyone noticing.
import type { z } from 'zod';
import { UpgatesValidationError } from './errors.js';

export function parseResponse<S extends z.ZodType>(resource: string, schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  // Only path, code and message: zod v4 leaves the input out of issues unless asked, and we do not ask.
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
  throw new UpgatesValidationError(resource, issues);
}
