/**
 * Where the local lab's broker comes from: RabbitMQ's own `rabbitmq-server` start script (not Debian's
 * /usr/sbin wrapper, which switches to the rabbitmq user and the system's node). When it is missing, root
 * on a system with apt gets Debian's package installed once; anyone else gets one line naming the install
 * command for their system.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Thrown when no broker can be had here; the CLI exits 2 with its message. */
export class BrokerUnavailableError extends Error {}

type Env = Record<string, string | undefined>;

/** The start script itself on Debian/Ubuntu and Fedora, then Homebrew's (Apple silicon, Intel), then PATH. */
const KNOWN_PATHS = ['/usr/lib/rabbitmq/bin/rabbitmq-server', '/opt/homebrew/sbin/rabbitmq-server', '/usr/local/sbin/rabbitmq-server'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** $FAULTLINE_RABBITMQ_SERVER, else the first start script found; undefined when RabbitMQ is not installed. */
export function findRabbitmqServer(env: Env = process.env): string | undefined {
  if (env.FAULTLINE_RABBITMQ_SERVER) return executable(env.FAULTLINE_RABBITMQ_SERVER) ? env.FAULTLINE_RABBITMQ_SERVER : undefined;
  const onPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'rabbitmq-server'));
  // Debian's /usr/sbin/rabbitmq-server is a wrapper that runs the system's node as user rabbitmq: never that one.
  return [...KNOWN_PATHS, ...onPath.filter((file) => file !== '/usr/sbin/rabbitmq-server')].find(executable);
}

function onPath(command: string, env: Env): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir && executable(path.join(dir, command)));
}

/** The one command that installs RabbitMQ on this kind of system. */
export function installHint(platform: NodeJS.Platform = process.platform, env: Env = process.env): string {
  if (platform === 'darwin') return 'brew install rabbitmq';
  if (onPath('apt-get', env)) return 'sudo apt-get install rabbitmq-server';
  if (onPath('dnf', env)) return 'sudo dnf install rabbitmq-server';
  return 'install RabbitMQ (Debian/Ubuntu: sudo apt-get install rabbitmq-server; Fedora: sudo dnf install rabbitmq-server; macOS: brew install rabbitmq)';
}

function canInstallWithApt(env: Env): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get', env);
}

/**
 * The start script, installing Debian's package first when it is missing and this is root with apt
 * (saying so in one line through `say`); otherwise a BrokerUnavailableError naming the install command.
 */
export function ensureRabbitmqServer(say: (line: string) => void, env: Env = process.env): string {
  const found = findRabbitmqServer(env);
  if (found) return found;
  if (env.FAULTLINE_RABBITMQ_SERVER) throw new BrokerUnavailableError(`FAULTLINE_RABBITMQ_SERVER=${env.FAULTLINE_RABBITMQ_SERVER} is not an executable file`);
  if (!canInstallWithApt(env)) {
    throw new BrokerUnavailableError(`rabbitmq-server is not installed, and the lab's broker needs it (install: ${installHint(process.platform, env)}), or point --rabbitmq-url / RABBITMQ_URL at a broker`);
  }
  say("rabbitmq-server is not installed: installing Debian's package once (apt-get install rabbitmq-server)");
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'rabbitmq-server']]) {
    const result = spawnSync('apt-get', args, { env: aptEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.status !== 0) {
      const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-5).join('\n');
      throw new BrokerUnavailableError(`apt-get ${args[0]} failed (exit code ${result.status ?? result.signal}):\n${output}`);
    }
  }
  const installed = findRabbitmqServer(env);
  if (!installed) throw new BrokerUnavailableError(`rabbitmq-server was installed but its start script is not in ${KNOWN_PATHS[0]}`);
  return installed;
}
