/** A Zipkin v2 API trace receiver that keeps spans in memory, for the local lab, tests and benchmarks. */
export { createZipkinApp, startZipkinReceiver, type RunningZipkinReceiver } from './receiver';
export { serviceOf, traceKey, type ZipkinEndpoint, type ZipkinSpan } from './span';
export { SpanStore, type TraceQuery } from './store';
