/**
 * A kit service run as its own process by run.spec.ts (through tsx):
 *   GET /fetch?url=... fetches the URL and answers its status, so the test sees how names resolve.
 */
import { runService } from '../run';

void runService({
  name: 'resolver-fixture',
  defaultPort: 0,
  config: {},
  routes(app) {
    app.get('/fetch', async (req, res) => {
      try {
        const answer = await fetch(String(req.query.url));
        res.json({ status: answer.status, body: await answer.text() });
      } catch (error) {
        res.status(502).json({ error: 'fetch_failed', code: (error as { cause?: { code?: string } }).cause?.code });
      }
    });
  },
});
