/**
 * A stand-in for business-logic on a loopback port, for the front-end's in-process tests (the real
 * business-logic is another app, which lint keeps this app from importing): answers /slow-endpoint
 * after `delayMs` with `status`, and records the paths it was asked for.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function businessLogicStub(delayMs: number, status = 200) {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ endpoint: 'slow', message: 'stub answer', seconds: delayMs / 1000 }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
