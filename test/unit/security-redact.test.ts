import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { containsSecret, REDACT_CENSOR, REDACT_PATHS, redactUrlSecrets } from '../../src/security/redact.js';
import { recordChaosRow } from '../chaos/chaos-table.js';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR } }, stream), output: () => chunks.join('') };
}

describe('log redaction', () => {
  it('is accepted by pino and removes secrets at the top level and nested', () => {
    const { logger, output } = capture();
    logger.info(
      { apiKey: 'KEY-top', shop: { apiKey: 'KEY-nested', apiUser: 'USER-nested' }, job: { input: { credentials: { x: 'CRED-deep' } } } },
      'install',
    );
    logger.info({ req: { headers: { authorization: 'Basic QUJD' }, query: { session: 'SESSION-token' } } }, 'request');
    const text = output();
    expect(containsSecret(text, ['KEY-top', 'KEY-nested', 'USER-nested', 'CRED-deep', 'Basic QUJD', 'SESSION-token'])).toBe(false);
    expect(text).toContain(REDACT_CENSOR);
    expect(text).toContain('install');
  });

  it('masks secrets inside URLs', () => {
    expect(redactUrlSecrets('/upgates/webhooks/AbC_123-x?x=1')).toBe(`/upgates/webhooks/${REDACT_CENSOR}?x=1`);
    expect(redactUrlSecrets('/app?lang=cs&session=abc.def&x=1')).toBe(`/app?lang=cs&session=${REDACT_CENSOR}&x=1`);
    expect(redactUrlSecrets('https://user:pass@hooks.example.com/a')).toBe(`https://${REDACT_CENSOR}@hooks.example.com/a`);
  });

  it('finds secrets verbatim and in common encodings', () => {
    expect(containsSecret('{"k":"a\\"b"}', ['a"b'])).toBe(true);
    expect(containsSecret('url?k=a%2Fb', ['a/b'])).toBe(true);
    expect(containsSecret(Buffer.from('hunter2').toString('base64'), ['hunter2'])).toBe(true);
    expect(containsSecret('nothing here', ['hunter2', ''])).toBe(false);
  });
});

describe('the production logger (src/logger.ts)', () => {
  it('uses the one redaction list: iframe session token and webhook key never reach the output', async () => {
    const { createLogger } = await import('../../src/logger.js');
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', 'test', stream);
    logger.info({ sessionToken: 'SESSION-abc', webhookKey: 'WEBHOOK-key', shop: { webhookKey: 'WEBHOOK-nested' } }, 'iframe');
    logger.info({ req: { query: { session: 'SESSION-query' }, params: { key: 'WEBHOOK-param' } } }, 'request');
    const text = chunks.join('');
    expect(text).toContain('iframe');
    const secrets = ['SESSION-abc', 'WEBHOOK-key', 'WEBHOOK-nested', 'SESSION-query', 'WEBHOOK-param'];
    const found = secrets.filter((secret) => containsSecret(text, [secret]));
    recordChaosRow({
      scenario: 'iframe session token and webhook key logged through the production logger (issue 14.7)',
      tries: secrets.length,
      recordsLost: null,
      duplicates: null,
      serverErrors: null,
      secretsFound: found.length,
      note: `${chunks.length} log lines written`,
    });
    expect(found).toEqual([]);
  });
});
