// /metrics over real HTTP: with METRICS_TOKEN set, only `Authorization: Bearer <token>` gets the figures.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMetrics } from '../../src/http/routes/get-metrics.js';

const token = 'metrics-token-0123456789';
const servers: Array<{ close: () => void }> = [];

async function serve(metricsToken: string | undefined): Promise<string> {
  const app = express();
  app.get('/metrics', getMetrics({ metrics: new Registry(), config: { metricsToken } as never }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe('GET /metrics', () => {
  let guarded: string;
  let open: string;
  beforeAll(async () => {
    guarded = await serve(token);
    open = await serve(undefined);
  });
  afterAll(() => servers.forEach((server) => server.close()));

  it('answers 401 without the bearer token, or with a wrong one', async () => {
    expect((await fetch(guarded)).status).toBe(401);
    expect((await fetch(guarded, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('answers the figures with the token', async () => {
    const response = await fetch(guarded, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
  });

  it('stays open when no token is configured', async () => {
    expect((await fetch(open)).status).toBe(200);
  });
});
