/** A Zipkin receiver in its own process, as a real Zipkin would be: prints its URL, and its span count on SIGTERM. */
import { startZipkinReceiver } from '@faultline/zipkin-receiver';

void startZipkinReceiver().then((zipkin) => {
  process.stdout.write(`${JSON.stringify({ spansEndpoint: zipkin.spansEndpoint })}\n`);
  process.once('SIGTERM', () => {
    process.stdout.write(`${JSON.stringify({ spans: zipkin.store.received })}\n`);
    void zipkin.close().then(() => process.exit(0));
  });
});
