/**
 * external-server: the "myexternalserver.com" of the store demo, a server outside the cluster that
 * order-service calls for product 11. Any GET answers 200 JSON and is logged with the Host it named.
 */
import type { ServiceDefinition } from '@faultline/service-kit';

const config = {} as const;

export interface ExternalAnswer {
  status: 'ok';
  service: 'external-server';
  method: string;
  path: string;
  host: string | undefined;
  time: string;
}

export function externalServer(): ServiceDefinition<typeof config> {
  return {
    name: 'external-server',
    defaultPort: 8080,
    config,
    routes(app, ctx) {
      app.get('/{*path}', (req, res) => {
        const answer: ExternalAnswer = {
          status: 'ok',
          service: 'external-server',
          method: req.method,
          path: req.path,
          host: req.headers.host,
          time: new Date().toISOString(),
        };
        ctx.log.info('external call received', {
          method: req.method,
          path: req.path,
          host: req.headers.host,
          remote: req.socket.remoteAddress,
          user_agent: req.headers['user-agent'],
        });
        res.json(answer);
      });
    },
  };
}
