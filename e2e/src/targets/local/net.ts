/**
 * The local target's address plan on loopback (Linux routes all of 127.0.0.0/8 to lo, so any address
 * in it can be bound without root). A lab gets a block number N:
 *   127.N.0.x   the cluster's own parts: cluster DNS (x=10, like kube-dns 10.96.0.10), upstream DNS
 *               (x=20), the Zipkin receiver (x=9)
 *   127.N.1.x   pod IPs, one per pod
 *   127.N.2.x   Service ClusterIPs
 * `faultline up` uses N=0 (pods on 127.0.1.x); scenario runs pick a free random block so that they
 * never collide with a running lab or with each other.
 */
import { createServer } from 'node:net';

export const DNS_PORT = 10053;
export const ZIPKIN_PORT = 9411;

export class AddressPlan {
  private nextPod = 1;
  private nextService = 1;

  constructor(readonly block: number) {
    if (!Number.isInteger(block) || block < 0 || block > 254) throw new Error(`address block must be 0..254, got ${block}`);
  }

  get clusterDnsIp(): string {
    return `127.${this.block}.0.10`;
  }

  get upstreamDnsIp(): string {
    return `127.${this.block}.0.20`;
  }

  get zipkinIp(): string {
    return `127.${this.block}.0.9`;
  }

  /** A lab's own broker (the command's own is 127.0.0.72, block 0's). */
  get brokerIp(): string {
    return `127.${this.block}.0.72`;
  }

  allocatePodIp(): string {
    if (this.nextPod > 254) throw new Error('no pod addresses left in the block');
    return `127.${this.block}.1.${this.nextPod++}`;
  }

  allocateClusterIp(): string {
    if (this.nextService > 254) throw new Error('no Service addresses left in the block');
    return `127.${this.block}.2.${this.nextService++}`;
  }
}

/** Whether `port` can be bound on `host` now. */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A block whose DNS and Zipkin addresses are free: `preferred` when given and free, else a random one. */
export async function freeAddressPlan(preferred?: number): Promise<AddressPlan> {
  const candidates = preferred !== undefined ? [preferred] : [];
  for (let i = 0; i < 20; i += 1) candidates.push(3 + Math.floor(Math.random() * 250));
  for (const block of candidates) {
    const plan = new AddressPlan(block);
    if ((await canBind(plan.clusterDnsIp, DNS_PORT)) && (await canBind(plan.zipkinIp, ZIPKIN_PORT))) return plan;
  }
  throw new Error('no free loopback address block found for the lab');
}
