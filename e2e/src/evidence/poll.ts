/** Waiting with a deadline, never a bare sleep: telemetry arrives asynchronously. */
export { pollUntil as waitUntil } from '@faultline/test-support';
