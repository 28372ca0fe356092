import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'node:http';
import { startTestService } from '@faultline/service-kit/testing';
import { externalServer, type ExternalAnswer } from './app';

const start = () => startTestService(externalServer());

/** GET with a Host header of our choice (fetch does not allow setting Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('external-server', () => {
  let svc: Awaited<ReturnType<typeof start>>;

  before(async () => {
    svc = await start();
  });
  after(() => svc.stop());

  it('answers 200 JSON on any GET path and logs each call with the host it named', async () => {
    for (const path of ['/', '/anything', '/deep/path?x=1']) {
      const res = await getWithHost(`${svc.url}${path}`, 'myexternalserver.com.');
      assert.equal(res.status, 200);
      assert.match(res.type, /application\/json/);
      const body = JSON.parse(res.body) as ExternalAnswer;
      assert.equal(body.status, 'ok');
      assert.equal(body.service, 'external-server');
      assert.equal(body.path, path.split('?')[0]);
      assert.equal(body.host, 'myexternalserver.com.');
    }
    const calls = svc.logs.filter((line) => line.msg === 'external call received');
    assert.deepEqual(
      calls.map((line) => [line.path, line.host]),
      [
        ['/', 'myexternalserver.com.'],
        ['/anything', 'myexternalserver.com.'],
        ['/deep/path', 'myexternalserver.com.'],
      ],
    );
  });

  it('keeps the probes and answers 404 JSON for other methods', async () => {
    assert.equal((await fetch(`${svc.url}/health`)).status, 200);
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 200);
    const post = await fetch(`${svc.url}/`, { method: 'POST' });
    assert.equal(post.status, 404);
    assert.equal(((await post.json()) as { error: string }).error, 'not_found');
  });
});
