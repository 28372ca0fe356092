/**
 * An OTLP/HTTP trace receiver for tests: POST /v1/traces with an `application/x-protobuf`
 * ExportTraceServiceRequest, decoded here from the protobuf wire format (the fields of
 * opentelemetry/proto/trace/v1/trace.proto a test asserts on), answered as a collector answers (200, an
 * empty ExportTraceServiceResponse). No collector binary exists on this machine, so the test runs this one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, string | number | boolean>;
  statusCode: number;
  /** service.name and the rest of the resource's attributes. */
  resource: Record<string, string | number | boolean>;
  scope: string;
}

export interface OtlpRequest {
  headers: http.IncomingHttpHeaders;
  spans: OtlpSpan[];
}

type Field = { field: number; wire: number; bytes?: Buffer; number?: bigint };

/** Every field of one protobuf message, in order. */
export function protobufFields(buffer: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= buffer.length) throw new Error('truncated varint');
      const byte = buffer[at++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  };
  while (at < buffer.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ field, wire, number: varint() });
    else if (wire === 1) {
      fields.push({ field, wire, number: buffer.readBigUInt64LE(at), bytes: buffer.subarray(at, at + 8) });
      at += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      if (at + length > buffer.length) throw new Error('truncated field');
      fields.push({ field, wire, bytes: buffer.subarray(at, at + length) });
      at += length;
    } else if (wire === 5) {
      fields.push({ field, wire, number: BigInt(buffer.readUInt32LE(at)) });
      at += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return fields;
}

const all = (fields: Field[], field: number) => fields.filter((f) => f.field === field);
const one = (fields: Field[], field: number) => fields.find((f) => f.field === field);
const text = (fields: Field[], field: number) => one(fields, field)?.bytes?.toString('utf8') ?? '';
const hex = (fields: Field[], field: number) => one(fields, field)?.bytes?.toString('hex') ?? '';

/** KeyValue { key = 1; AnyValue value = 2 }, AnyValue { string = 1; bool = 2; int = 3; double = 4 }. */
function attributesOf(fields: Field[], field: number): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const kv of all(fields, field)) {
    const pair = protobufFields(kv.bytes ?? Buffer.alloc(0));
    const value = protobufFields(one(pair, 2)?.bytes ?? Buffer.alloc(0))[0];
    if (!value) continue;
    attributes[text(pair, 1)] =
      value.field === 1 ? (value.bytes?.toString('utf8') ?? '') : value.field === 2 ? value.number === 1n : value.field === 4 ? (value.bytes?.readDoubleLE(0) ?? 0) : Number(value.number);
  }
  return attributes;
}

/** ExportTraceServiceRequest → resource_spans(1) → {resource(1), scope_spans(2) → {scope(1), spans(2)}}. */
export function decodeTraceRequest(body: Buffer): OtlpSpan[] {
  return all(protobufFields(body), 1).flatMap((rs) => {
    const resourceSpans = protobufFields(rs.bytes ?? Buffer.alloc(0));
    const resource = attributesOf(protobufFields(one(resourceSpans, 1)?.bytes ?? Buffer.alloc(0)), 1);
    return all(resourceSpans, 2).flatMap((ss) => {
      const scopeSpans = protobufFields(ss.bytes ?? Buffer.alloc(0));
      const scope = text(protobufFields(one(scopeSpans, 1)?.bytes ?? Buffer.alloc(0)), 1);
      return all(scopeSpans, 2).map((s): OtlpSpan => {
        const span = protobufFields(s.bytes ?? Buffer.alloc(0));
        const status = protobufFields(one(span, 15)?.bytes ?? Buffer.alloc(0));
        return {
          traceId: hex(span, 1),
          spanId: hex(span, 2),
          parentSpanId: hex(span, 4),
          name: text(span, 5),
          kind: Number(one(span, 6)?.number ?? 0n),
          startTimeUnixNano: one(span, 7)?.number ?? 0n,
          endTimeUnixNano: one(span, 8)?.number ?? 0n,
          attributes: attributesOf(span, 9),
          statusCode: Number(one(status, 3)?.number ?? 0n),
          resource,
          scope,
        };
      });
    });
  });
}

export interface RunningOtlpReceiver {
  /** http://127.0.0.1:PORT, the base of OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly requests: OtlpRequest[];
  spans(): OtlpSpan[];
  close(): Promise<void>;
}

export function startOtlpReceiver(): Promise<RunningOtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found', message: 'POST /v1/traces only' }));
        return;
      }
      if (req.headers['content-type'] !== 'application/x-protobuf') {
        res.writeHead(415, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unsupported_media_type', message: 'application/x-protobuf only' }));
        return;
      }
      try {
        requests.push({ headers: req.headers, spans: decodeTraceRequest(Buffer.concat(chunks)) });
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad_request', message: (error as Error).message }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        spans: () => requests.flatMap((r) => r.spans),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
