/**
 * A tiny traced service for the tracer's tests, run as its own process with the tracer preloaded:
 *   node --require tsx/cjs --require libs/tracer/src/register.ts libs/tracer/src/testing/fixture-server.ts
 * GET /call?via=http|fetch calls DOWNSTREAM_URL inside a custom span; GET /work runs withSpan('work');
 * GET /hold answers only after 10 s (tests hang up before).
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, shutdownTracing, withSpan } from '../index';

const log = createLogger({ service: 'fixture' });
const downstream = process.env.DOWNSTREAM_URL ?? '';

function callWithHttp(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

const app = express();
app.get('/work', async (_req, res) => {
  await withSpan('work', async (span) => {
    span.setAttribute('work.kind', 'test');
    log.info('working');
  });
  res.json({ ok: true });
});
app.get('/fail', async (_req, res) => {
  try {
    await withSpan('failing-step', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    });
  } catch {
    res.status(502).json({ error: 'ECONNREFUSED' });
  }
});
app.get('/hold', (_req, res) => {
  log.info('holding');
  const timer = setTimeout(() => res.json({ held: true }), 10_000);
  res.once('close', () => clearTimeout(timer));
});
app.get('/call', async (req, res) => {
  const status = await withSpan('call-downstream', () =>
    req.query.via === 'fetch' ? fetch(downstream).then((r) => r.status) : callWithHttp(downstream),
  );
  log.info('called downstream', { status });
  res.json({ status });
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => void shutdownTracing().then(() => process.exit(0)));
});
