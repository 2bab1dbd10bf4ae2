// Query strings the way Upgates reads them: id lists joined with a literal `;` (each id URL-encoded, the
// separator not), everything else URL-encoded (a `+` in an ISO offset must arrive as `%2B`).

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined | null;
export type Query = Readonly<Record<string, QueryValue>>;

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    let encoded: string;
    if (Array.isArray(value)) encoded = value.map((v) => encodeURIComponent(String(v))).join(';');
    else if (typeof value === 'boolean') encoded = value ? '1' : '0';
    else encoded = encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(key)}=${encoded}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
