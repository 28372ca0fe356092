/**
 * The loopback check. On this Linux machine it binds real sockets to a lab's addresses; macOS and WSL
 * cannot exist here, so their answers are checked with a stand-in for the bind that fails as macOS does
 * (EADDRNOTAVAIL for every 127.x address but 127.0.0.1) and with their `os.release()` strings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLoopback, labAddresses, loopbackCommands, loopbackSystem } from './loopback-check';

/** Stand-in for macOS's lo0 without aliases. */
const macosBind = async (address: string) => (address === '127.0.0.1' ? undefined : 'EADDRNOTAVAIL');

describe('loopback check', () => {
  it('lists the addresses a lab uses: its parts, then one per pod and per Service', () => {
    assert.deepEqual(labAddresses(0, 2, 1), [
      '127.0.0.9',
      '127.0.0.10',
      '127.0.0.16',
      '127.0.0.20',
      '127.0.0.80',
      '127.0.0.90',
      '127.0.1.1',
      '127.0.1.2',
      '127.0.2.1',
    ]);
  });

  it('on Linux binds every address of a lab in a random block: ok, nothing to run', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
    const block = 3 + Math.floor(Math.random() * 250);
    const check = await checkLoopback(labAddresses(block, 12, 12));
    assert.equal(check.system, loopbackSystem());
    assert.deepEqual(check.unusable, []);
    assert.equal(check.ok, true);
    assert.deepEqual(check.commands, []);
  });

  it('on macOS names each address that cannot be bound and the exact ifconfig alias for it', async () => {
    const check = await checkLoopback(labAddresses(0, 2, 1), { platform: 'darwin', release: '24.1.0', bind: macosBind });
    assert.equal(check.ok, false);
    assert.equal(check.system, 'macos');
    assert.equal(check.unusable.length, 9);
    assert.deepEqual(check.unusable[0], { address: '127.0.0.9', code: 'EADDRNOTAVAIL' });
    assert.deepEqual(check.commands, [
      'sudo ifconfig lo0 alias 127.0.0.9 up',
      'sudo ifconfig lo0 alias 127.0.0.10 up',
      'sudo ifconfig lo0 alias 127.0.0.16 up',
      'sudo ifconfig lo0 alias 127.0.0.20 up',
      'sudo ifconfig lo0 alias 127.0.0.80 up',
      'sudo ifconfig lo0 alias 127.0.0.90 up',
      'sudo ifconfig lo0 alias 127.0.1.1 up',
      'sudo ifconfig lo0 alias 127.0.1.2 up',
      'sudo ifconfig lo0 alias 127.0.2.1 up',
    ]);
    assert.match(check.message, /^9 of the lab's loopback addresses cannot be bound: macOS puts only 127\.0\.0\.1 on lo0/);
    assert.match(check.message, /sudo ifconfig lo0 alias 127\.0\.2\.1 up$/);
  });

  it('on macOS with the aliases added (every bind works) is ok', async () => {
    const check = await checkLoopback(labAddresses(0, 2, 1), { platform: 'darwin', release: '24.1.0', bind: async () => undefined });
    assert.equal(check.ok, true);
  });

  it('tells WSL1 from WSL2 and points WSL1 and Windows to WSL2', async () => {
    assert.equal(loopbackSystem('linux', '5.15.167.4-microsoft-standard-WSL2'), 'wsl2');
    assert.equal(loopbackSystem('linux', '4.4.0-19041-Microsoft'), 'wsl1');
    assert.equal(loopbackSystem('linux', '6.1.0-40-amd64'), 'linux');
    assert.equal(loopbackSystem('win32', '10.0.22631'), 'windows');
    const wsl1 = await checkLoopback(['127.0.1.1'], { platform: 'linux', release: '4.4.0-19041-Microsoft', bind: macosBind });
    assert.equal(wsl1.system, 'wsl1');
    assert.match(wsl1.commands[0], /^wsl --set-version <distribution> 2/);
    assert.match(loopbackCommands('windows', ['127.0.1.1'])[0], /^wsl --install/);
  });
});
