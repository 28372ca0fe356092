import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from '@faultline/service-kit/testing';
import { productService } from './app';

describe('product-service', () => {
  let svc: TestService<Record<string, never>>;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${svc.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });

  before(async () => {
    svc = await startTestService(productService());
  });
  after(() => svc.stop());

  it('lists the seeded catalog, including product 11 "Inspektor Gadget"', async () => {
    const res = await call('/');
    assert.equal(res.status, 200);
    const products = (await res.json()) as { id: number; name: string }[];
    assert.ok(products.length >= 11);
    assert.deepEqual(
      products.find((p) => p.id === 11),
      (await (await call('/11')).json()) as object,
    );
    assert.equal(products.find((p) => p.id === 11)?.name, 'Inspektor Gadget');
  });

  it('adds, updates and deletes a product', async () => {
    const created = await call('/', { method: 'POST', body: JSON.stringify({ name: 'Rope', price: 3.5, description: 'd', image: '/r.jpg' }) });
    assert.equal(created.status, 201);
    const product = (await created.json()) as { id: number; name: string; price: number };
    assert.equal(product.name, 'Rope');

    const updated = await call('/', { method: 'PUT', body: JSON.stringify({ ...product, price: 4 }) });
    assert.equal(updated.status, 200);
    assert.equal(((await (await call(`/${product.id}`)).json()) as { price: number }).price, 4);

    assert.equal((await call(`/${product.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await call(`/${product.id}`)).status, 404);
  });

  it('answers field-level 400s for invalid products and keeps the catalog unchanged', async () => {
    const before = ((await (await call('/')).json()) as unknown[]).length;
    const res = await call('/', { method: 'POST', body: JSON.stringify({ name: '', price: 'free' }) });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; fields: { field: string }[] };
    assert.equal(body.error, 'validation_failed');
    assert.deepEqual(body.fields.map((f) => f.field).sort(), ['name', 'price']);
    const put = await call('/', { method: 'PUT', body: JSON.stringify({ id: 'x', name: 'a', price: 1 }) });
    assert.equal(put.status, 400);
    assert.deepEqual(((await put.json()) as { fields: { field: string }[] }).fields.map((f) => f.field), ['id']);
    assert.equal(((await (await call('/')).json()) as unknown[]).length, before);
  });

  it('answers only 4xx to a bounded burst of random and malformed bodies, losing no product', async () => {
    const before = JSON.stringify(await (await call('/')).json());
    const values = [null, true, 0, -1, 2 ** 1024, 'x', '', [], {}, { name: 'a' }, { price: 1 }, { id: 1 }, { name: 1, price: '1' }];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = () => values[Math.floor(random() * values.length)];
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const raw = i % 3 === 0 ? String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(random() * 256))) : undefined;
      const body = raw ?? JSON.stringify(i % 3 === 1 ? pick() : { id: pick(), name: pick(), price: pick(), description: pick(), image: pick() });
      const res = await call('/', { method: i % 2 ? 'POST' : 'PUT', body });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses.filter((s) => s < 400 || s >= 500), []);
    assert.equal(JSON.stringify(await (await call('/')).json()), before);
  });

  it('answers 404 for unknown ids and 400 for ids that are not numbers', async () => {
    assert.equal((await call('/9999')).status, 404);
    assert.equal((await call('/abc')).status, 400);
    assert.equal((await call('/9999', { method: 'DELETE' })).status, 404);
    const put = await call('/', { method: 'PUT', body: JSON.stringify({ id: 9999, name: 'a', price: 1 }) });
    assert.equal(put.status, 404);
  });
});
