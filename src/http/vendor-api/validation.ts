// zod helpers for vendor routes: one readable 400 message per request, naming each bad field.
import type { Response } from 'express';
import type { z } from 'zod';

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`).join('; ');
}

/** Parses or answers 400 (nothing changed) and returns undefined. */
export function parseOr400<S extends z.ZodType>(res: Response, schema: S, value: unknown): z.output<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  res.status(400).json({ error: true, message: `Invalid request: ${describeIssues(parsed.error)}. Nothing was changed.` });
  return undefined;
}
