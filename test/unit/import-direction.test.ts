// Which way the imports run (README, Architecture): workflows/ owns its vocabulary (messages, search attributes,
// activity types) and imports nothing with runtime code from src/ or activities/; activities/ may use src/;
// src/ composes everything on top. A value import from src/ into workflows/ would also put that code into the
// workflow bundle, where anything non-deterministic breaks replay.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Import statements (whole, across lines) that load code at run time: `import type` is erased. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

describe('import direction', () => {
  it('no file under workflows/ imports runtime code from src/ or activities/', () => {
    const offending = sources(join(root, 'workflows')).flatMap((file) =>
      valueImports(file)
        .filter((spec) => /(^|\/)(src|activities)\//.test(spec))
        .map((spec) => `${relative(root, file)} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the check sees a value import (control)', () => {
    expect(valueImports(join(root, 'workflows', 'shop-sync.ts'))).toContain('./search-attributes.js');
  });
});
