/**
 * Helpers for tests of any project: waiting by polling with a deadline, running an app's real bundle as
 * a process, a controllable loopback TCP forwarder, and the real RabbitMQ.
 */
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from './chromium';
export { type AppProcess, bundleApp, type BuiltApp, REPO_ROOT, runApp, startApp } from './app-process';
export { pollUntil } from './poll';
export {
  brokerReachable,
  brokerTarget,
  deleteQueue,
  drainQueue,
  NO_BROKER_MESSAGE,
  TEST_BROKER_URL,
  uniqueQueue,
} from './rabbitmq';
export { startTcpProxy, type TcpProxy, type TcpTarget } from './tcp-proxy';
