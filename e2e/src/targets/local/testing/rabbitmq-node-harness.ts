// A harness stand-in for rabbitmq-node.spec.ts: starts the lab's broker in the folder given, prints its PIDs
// (the node, its epmd) as JSON, then waits to be killed.
import { RabbitmqNode } from '../rabbitmq-node';

void RabbitmqNode.start({ host: '127.0.0.72', dir: process.argv[2], anyPort: true }).then((node) => {
  process.stdout.write(`${JSON.stringify(node.pids())}\n`);
  setInterval(() => undefined, 1_000);
});
