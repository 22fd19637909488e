import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getOk, portFree } from './health.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server?.address() as AddressInfo).port;
}

describe('portFree', () => {
  it('says a port something listens on is taken, and free again once it stops', async () => {
    const port = await listen((_req, res) => res.end());
    expect(await portFree('127.0.0.1', port)).toBe(false);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await portFree('127.0.0.1', port)).toBe(true);
  });
});

describe('getOk', () => {
  it('gives the body on 200 and undefined on any other status, never throwing', async () => {
    const port = await listen((req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 503;
      res.end(req.url === '/healthz' ? 'ok' : 'not yet');
    });
    expect(await getOk(`http://127.0.0.1:${port}/healthz`)).toBe('ok');
    expect(await getOk(`http://127.0.0.1:${port}/readyz`)).toBeUndefined();
  });

  it('gives undefined when nothing listens or the answer does not come in time', async () => {
    const port = await listen(() => {
      // never answers
    });
    expect(await getOk(`http://127.0.0.1:${port}/healthz`, undefined, 200)).toBeUndefined();
    expect(await getOk('http://127.0.0.1:1/healthz')).toBeUndefined();
  });
});
