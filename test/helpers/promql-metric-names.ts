// Metric names a PromQL expression reads: drops label matchers, grouping clauses, strings, ranges, numbers,
// functions and keywords, and maps histogram series (_bucket/_sum/_count) to the metric that /metrics declares.
const FUNCTIONS_AND_KEYWORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'rate',
  'irate',
  'increase',
  'delta',
  'histogram_quantile',
  'clamp_min',
  'clamp_max',
  'abs',
  'topk',
  'bottomk',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'le',
  'vector',
  'scalar',
  'time',
  'absent',
  'avg_over_time',
  'max_over_time',
]);

export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ') // strings (label values)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b\d+(\.\d+)?(e[-+]?\d+)?\b/gi, ' ') // numbers, 1e-9 included
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' '); // grouping label lists
  const names = new Set<string>();
  for (const token of stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
    if (FUNCTIONS_AND_KEYWORDS.has(token)) continue;
    names.add(token.replace(/_(bucket|sum|count)$/, ''));
  }
  return [...names];
}
