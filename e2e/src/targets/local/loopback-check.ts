/**
 * Can this system give the local lab its 127.N.x.y addresses? Linux routes all of 127.0.0.0/8 to the
 * loopback interface, so any of them can be bound without root. macOS has only 127.0.0.1 on lo0 until
 * aliases are added; WSL1 translates sockets to Windows, whose loopback binding does not match Linux's;
 * native Windows runs the lab in WSL2. The check binds a TCP socket (port 0) to each address the lab
 * needs and, when some cannot be bound, returns the exact commands that make them usable.
 */
import { createServer } from 'node:net';
import os from 'node:os';
import { ingressAddress } from './ingress';
import { AddressPlan } from './net';
import { prometheusAddress } from './prometheus';
import { traceUiAddress } from './trace-ui';

export type LoopbackSystem = 'linux' | 'macos' | 'wsl1' | 'wsl2' | 'windows' | 'other';

export interface LoopbackCheck {
  /** Every address could be bound. */
  readonly ok: boolean;
  readonly system: LoopbackSystem;
  /** The addresses that could not be bound, with the error code (EADDRNOTAVAIL, typically). */
  readonly unusable: readonly { address: string; code: string }[];
  /** What to run to make them usable (empty when ok). */
  readonly commands: readonly string[];
  /** One paragraph for the user: what is wrong and what the commands do (empty when ok). */
  readonly message: string;
}

export interface LoopbackCheckOptions {
  /** process.platform by default. */
  readonly platform?: NodeJS.Platform;
  /** os.release() by default: "…-microsoft-standard-WSL2" on WSL2, "…-Microsoft" on WSL1. */
  readonly release?: string;
  /** Binds a socket to `address`; resolves to undefined when it can, else the error code. Real sockets by default. */
  readonly bind?: (address: string) => Promise<string | undefined>;
}

/** Which system, as far as loopback addresses go. */
export function loopbackSystem(platform: NodeJS.Platform = process.platform, release: string = os.release()): LoopbackSystem {
  if (platform === 'darwin') return 'macos';
  if (platform === 'win32') return 'windows';
  if (platform !== 'linux') return 'other';
  if (/microsoft-standard|WSL2/i.test(release)) return 'wsl2';
  if (/microsoft/i.test(release)) return 'wsl1';
  return 'linux';
}

/**
 * The addresses a lab in block N uses: the cluster's own parts (Zipkin receiver, cluster DNS, trace UI,
 * upstream DNS, ingress, Prometheus), one per pod and one per Service, allocated as the local target does.
 */
export function labAddresses(block: number, pods: number, services: number): string[] {
  const plan = new AddressPlan(block);
  const parts = [plan.zipkinIp, plan.clusterDnsIp, traceUiAddress(block), plan.upstreamDnsIp, ingressAddress(block), prometheusAddress(block)];
  return [
    ...parts,
    ...Array.from({ length: pods }, () => plan.allocatePodIp()),
    ...Array.from({ length: services }, () => plan.allocateClusterIp()),
  ];
}

function bindTcp(address: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(0, address, () => server.close(() => resolve(undefined)));
  });
}

/** The commands that make `addresses` usable on `system`. */
export function loopbackCommands(system: LoopbackSystem, addresses: readonly string[]): string[] {
  switch (system) {
    case 'macos':
      return addresses.filter((a) => a !== '127.0.0.1').map((a) => `sudo ifconfig lo0 alias ${a} up`);
    case 'wsl1':
      return ['wsl --set-version <distribution> 2   # in Windows PowerShell; `wsl -l -v` lists the distributions'];
    case 'windows':
      return ['wsl --install   # in Windows PowerShell as administrator; then clone and run faultline inside WSL2'];
    default:
      return [];
  }
}

function explain(system: LoopbackSystem, unusable: number, commands: readonly string[]): string {
  const count = `${unusable} of the lab's loopback addresses cannot be bound`;
  switch (system) {
    case 'macos':
      return `${count}: macOS puts only 127.0.0.1 on lo0. Add an alias for each (until the next reboot; \`sudo ifconfig lo0 -alias <address>\` removes one):\n${commands.join('\n')}`;
    case 'wsl1':
      return `${count}: WSL1 does not give Linux's loopback. Run faultline in WSL2:\n${commands.join('\n')}`;
    case 'windows':
      return `${count}: on Windows the local target runs in WSL2 (Linux):\n${commands.join('\n')}`;
    default:
      return `${count}: the local target needs all of 127.0.0.0/8 on the loopback interface (as Linux has it).`;
  }
}

/** Binds each address (all at once); `ok` when every one could be bound, else the commands that fix it. */
export async function checkLoopback(addresses: readonly string[], options: LoopbackCheckOptions = {}): Promise<LoopbackCheck> {
  const system = loopbackSystem(options.platform, options.release);
  const bind = options.bind ?? bindTcp;
  const results = await Promise.all(addresses.map(async (address) => ({ address, code: await bind(address) })));
  const unusable = results.filter((r): r is { address: string; code: string } => r.code !== undefined);
  if (!unusable.length) return { ok: true, system, unusable: [], commands: [], message: '' };
  // On macOS only the missing aliases need adding; elsewhere the fix is the system, not the address.
  const commands = loopbackCommands(system, unusable.map((u) => u.address));
  return { ok: false, system, unusable, commands, message: explain(system, unusable.length, commands) };
}
