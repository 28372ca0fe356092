/**
 * Trace and span ids cut from a pool of random hex: one `randomFillSync` and one hex conversion per 256
 * span ids, where OpenTelemetry's generator converts a small buffer to hex for every id. The ids come
 * from the operating system's CSPRNG rather than Math.random.
 */
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 2048;
const SPAN_ID_CHARS = 16;
const TRACE_ID_CHARS = 32;
const ALL_ZERO = /^0+$/;

export class PooledIdGenerator implements IdGenerator {
  private readonly bytes = Buffer.allocUnsafe(POOL_BYTES);
  private hex = '';
  private next = 0;

  /** `fill` writes random bytes into the buffer it is given (tests pass their own). */
  constructor(private readonly fill: (bytes: Buffer) => Buffer = randomFillSync) {}

  generateTraceId(): string {
    return this.take(TRACE_ID_CHARS);
  }

  generateSpanId(): string {
    return this.take(SPAN_ID_CHARS);
  }

  /** The next `chars` hex digits of the pool; an all-zero id is invalid in both B3 and W3C, so it is skipped. */
  private take(chars: number): string {
    for (;;) {
      if (this.next + chars > this.hex.length) {
        this.hex = this.fill(this.bytes).toString('hex');
        this.next = 0;
      }
      const id = this.hex.slice(this.next, this.next + chars);
      this.next += chars;
      if (id.charCodeAt(0) !== 0x30 || !ALL_ZERO.test(id)) return id;
    }
  }
}
