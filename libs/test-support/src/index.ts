/**
 * Helpers for tests of any project: waiting by polling with a deadline, running an app's real bundle as
 * a process, a controllable loopback TCP forwarder, the real RabbitMQ, benchmark goals, one policy
 * for missing system tools, and temp folders that are always removed.
 */
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from './chromium';
export { type AppProcess, bundleApp, type BuiltApp, REPO_ROOT, runApp, startApp } from './app-process';
export { checkGoal, formatGoal, type GoalCheck, GoalReport, type GoalResult } from './goals';
export { pollUntil } from './poll';
export { unusedLoopbackPort } from './ports';
export {
  brokerAvailable,
  brokerTarget,
  deleteQueue,
  drainQueue,
  NO_BROKER_MESSAGE,
  rabbitmqctl,
  TEST_BROKER_URL,
  uniqueQueue,
} from './rabbitmq';
export {
  findCachedTool,
  findTool,
  inCi,
  missingToolMessage,
  requireTool,
  skipWithout,
  SYSTEM_TOOLS,
  type SystemTool,
  toolsBin,
} from './system-tools';
export { isolateTempDir, makeTempDir, removeTempDirs } from './temp-dirs';
export { startTcpProxy, type TcpProxy, type TcpTarget } from './tcp-proxy';
