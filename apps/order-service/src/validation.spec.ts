import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService } from '@faultline/service-kit/testing';
import { orderService } from './app';
import { LIMITS, parseOrder } from './validation';

const VALID = { customerId: 'c-1', items: [{ productId: 1, quantity: 2, price: 9.99 }] };

describe('order validation', () => {
  it('accepts a valid order and keeps only the known fields', () => {
    const { order } = parseOrder({ ...VALID, extra: true, items: [{ ...VALID.items[0], note: 'x' }] });
    assert.deepEqual(order, VALID);
    assert.equal(parseOrder({ ...VALID, customerId: 4567 }).order?.customerId, '4567');
  });

  it('names every invalid field', () => {
    const fields = (body: unknown) => parseOrder(body).problems.map((p) => p.field);
    assert.deepEqual(fields(null), ['body']);
    assert.deepEqual(fields([VALID]), ['body']);
    assert.deepEqual(fields({}), ['customerId', 'items']);
    assert.deepEqual(fields({ customerId: ' ', items: [] }), ['customerId', 'items']);
    assert.deepEqual(fields({ customerId: 'x'.repeat(LIMITS.customerIdLength + 1), items: VALID.items }), ['customerId']);
    assert.deepEqual(
      fields({ customerId: 'c', items: [{ productId: 0, quantity: 1.5, price: -1 }, 'x', { productId: '1', quantity: 1, price: 1 }] }),
      ['items[0].productId', 'items[0].quantity', 'items[0].price', 'items[1]', 'items[2].productId'],
    );
    assert.deepEqual(fields({ customerId: 'c', items: Array(LIMITS.items + 1).fill(VALID.items[0]) }), ['items']);
    assert.deepEqual(fields({ ...VALID, items: [{ productId: 1, quantity: 1, price: Number.NaN }] }), ['items[0].price']);
  });
});

/** A small seeded generator, so a failing body can be reproduced from the seed in the message. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 2 ? 7 : 10));
  const choices: (() => unknown)[] = [
    () => null,
    () => random() < 0.5,
    () => Math.floor(random() * 40) - 10,
    () => [Number.MAX_SAFE_INTEGER * 4, -0.5, 1e308, 1.5, 0][Math.floor(random() * 5)],
    () => ['', ' ', 'c-1', '11', '💥', 'x'.repeat(200), '__proto__'][Math.floor(random() * 7)],
    () => undefined,
    () => 1,
    () => Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1)),
    () => ({ productId: randomValue(random, depth + 1), quantity: randomValue(random, depth + 1), price: randomValue(random, depth + 1) }),
    () => ({ customerId: randomValue(random, depth + 1), items: randomValue(random, depth + 1) }),
  ];
  return choices[pick]();
}

describe('order-service with random and malformed bodies (broker unreachable)', () => {
  const start = () =>
    // Port 1 on loopback refuses connections: no broker, so a body that passes validation gets 503.
    startTestService(orderService({ reconnect: { initialMs: 1_000, maxMs: 1_000 } }), { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' });
  let svc: Awaited<ReturnType<typeof start>>;
  before(async () => {
    svc = await start();
  });
  after(() => svc.stop());

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${svc.url}/`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('answers 4xx JSON to every malformed body, never 5xx', async () => {
    const malformed: [string, string?][] = [
      ['{'],
      ['{"customerId": "c", "items": [}'],
      [''],
      ['null'],
      ['"order"'],
      ['42'],
      ['[]'],
      ['{"customerId":"c","items":[{"productId":1,"quantity":1,"price":1}]}', 'text/plain'],
      ['customerId=c&items=1', 'application/x-www-form-urlencoded'],
      [`{"customerId":"${'x'.repeat(200_000)}"}`],
      ['{"__proto__":{"customerId":"c"},"items":[{"productId":1,"quantity":1,"price":1}]}'],
      ['\u0000\u0001\u0002'],
    ];
    for (const [body, type] of malformed) {
      const res = await post(body, type);
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} for ${JSON.stringify(body.slice(0, 80))} (${type ?? 'json'})`);
      const json = (await res.json()) as { error: string };
      assert.equal(typeof json.error, 'string');
    }
  });

  it('answers 400 with field problems to random bodies that are invalid (seeded, 300 bodies)', async () => {
    const seed = 20_240_611;
    const random = mulberry32(seed);
    let invalid = 0;
    for (let i = 0; i < 300; i++) {
      const body = randomValue(random);
      const text = JSON.stringify(body) ?? 'null';
      const res = await post(text);
      const json = (await res.json()) as { error: string; fields?: { field: string }[] };
      if (parseOrder(JSON.parse(text)).order) {
        assert.equal(res.status, 503, `valid body #${i} (seed ${seed}) without a broker: ${text}`);
      } else {
        invalid += 1;
        assert.equal(res.status, 400, `body #${i} (seed ${seed}): ${text} → ${res.status} ${JSON.stringify(json)}`);
        if (typeof body === 'object' && body !== null) {
          assert.equal(json.error, 'validation_failed');
          assert.ok(json.fields && json.fields.length > 0);
        } else {
          // The JSON parser is strict: a bare scalar is not an order body at all.
          assert.equal(json.error, 'malformed_json');
        }
      }
    }
    assert.ok(invalid > 250, `only ${invalid} of 300 random bodies were invalid: the generator is too tame`);
  });
});
