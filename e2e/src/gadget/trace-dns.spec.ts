import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTraceDns, igFilterArgs, matchesSeedFilter, parseIgDnsLine, seedRcode } from './trace-dns';

// Lines in the shape `ig trace dns -o json` v0.30.0 prints (its pkg/gadgets/trace/dns/types/dns.go fields and
// gopacket's rcode strings): written here because ig's gadget cannot attach on this kernel (no kprobes), so no
// real line can be recorded on this machine.
const QUERY = '{"runtime":{},"k8s":{},"timestamp":1764530000000000000,"netns":4026531840,"pid":812,"tid":812,"comm":"node","uid":0,"gid":0,"srcIP":"127.7.1.3","dstIP":"127.7.0.10","srcPort":40112,"dstPort":10053,"protocol":"UDP","id":"0ca8","qr":"Q","nameserver":"127.7.0.10","pktType":"OUTGOING","qtype":"A","name":"myexternalserver.com."}';
const RESPONSE = '{"srcIP":"127.7.0.10","dstIP":"127.7.1.3","srcPort":10053,"dstPort":40112,"id":"0ca8","qr":"R","nameserver":"127.7.0.10","pktType":"HOST","qtype":"A","name":"myexternalserver.com.","rcode":"Server Failure ","latency":2001234567}';

describe('trace_dns events from ig v0.30 JSON', () => {
  it("maps ig's fields to the seed's", () => {
    assert.deepEqual(parseIgDnsLine(QUERY), {
      src: '127.7.1.3:40112',
      dst: '127.7.0.10:10053',
      nameserver: '127.7.0.10',
      name: 'myexternalserver.com.',
      id: '0ca8',
      qr: 'Q',
      qtype: 'A',
      rcode: '',
      latency_ns: 0,
      comm: 'node',
      pid: 812,
    });
    const response = parseIgDnsLine(RESPONSE);
    assert.equal(response?.rcode, 'ServerFailure');
    assert.equal(response?.latency_ns, 2001234567);
  });

  it("spells rcodes as the seed's trace_dns does", () => {
    assert.deepEqual(['No Error', 'Format Error', 'Server Failure ', 'Non-Existent Domain', 'Not Implemented', 'Query Refused'].map(seedRcode), [
      'Success',
      'FormatError',
      'ServerFailure',
      'NameError',
      'NotImplemented',
      'Refused',
    ]);
  });

  it('skips what is not an event: warnings, blank lines, broken JSON', () => {
    assert.equal(parseIgDnsLine('time="..." level=warning msg="Ignoring runtime"'), undefined);
    assert.equal(parseIgDnsLine(''), undefined);
    assert.equal(parseIgDnsLine('{"qr":'), undefined);
    assert.equal(parseIgDnsLine('{"name":"x."}'), undefined);
  });

  it("turns the seed's filter into ig's rules and applies it the same way", () => {
    const filter = 'qr==Q,qtype==A,name~^myexternalserver.com.*';
    assert.deepEqual(igFilterArgs(filter), ['-F', 'qr:Q', '-F', 'qtype:A', '-F', 'name:~^myexternalserver.com.*']);
    const query = parseIgDnsLine(QUERY);
    const response = parseIgDnsLine(RESPONSE);
    assert.ok(query && response);
    assert.equal(matchesSeedFilter(query, filter), true);
    assert.equal(matchesSeedFilter(response, filter), false);
    assert.equal(matchesSeedFilter(response, 'rcode==ServerFailure'), true);
    assert.throws(() => igFilterArgs('latency>5'), /expected field==value/);
  });

  it("prints the seed's columns, one row per event", () => {
    const events = [QUERY, RESPONSE].map((l) => parseIgDnsLine(l)).filter((e) => e !== undefined);
    const lines = formatTraceDns(events).split('\n');
    assert.match(lines[0], /^SRC\s+DST\s+NAMESERVER\s+NAME\s+ID\s+QR\s+QTYPE\s+RCODE\s+LATENCY_NS$/);
    assert.match(lines[2], /^127\.7\.0\.10:10053\s+127\.7\.1\.3:40112\s+127\.7\.0\.10\s+myexternalserver\.com\.\s+0ca8\s+R\s+A\s+ServerFailure\s+2001234567$/);
  });
});
