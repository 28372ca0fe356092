import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostOfOrigin, httpPeerAttributes, peerServiceOf, remoteEndpointOf } from './peer';

describe('peerServiceOf', () => {
  it('names the Service a cluster name or a short name points at, and an outside host by itself', () => {
    assert.equal(peerServiceOf('order-service'), 'order-service');
    assert.equal(peerServiceOf('order-service.default.svc.cluster.local'), 'order-service');
    assert.equal(peerServiceOf('order-service.default.svc.cluster.local.'), 'order-service');
    assert.equal(peerServiceOf('product-service.shop.svc'), 'product-service');
    assert.equal(peerServiceOf('myexternalserver.com'), 'myexternalserver.com');
    assert.equal(peerServiceOf('MyExternalServer.com.'), 'myexternalserver.com');
  });

  it('names no service for addresses, localhost or nothing', () => {
    for (const host of ['127.0.0.72', '::1', '[::1]', 'localhost', '', undefined]) assert.equal(peerServiceOf(host), undefined, String(host));
    assert.deepEqual(httpPeerAttributes('10.96.0.10'), {});
    assert.deepEqual(httpPeerAttributes('retry-backend'), { 'peer.service': 'retry-backend' });
  });

  it('reads the host of an origin', () => {
    assert.equal(hostOfOrigin('http://order-service:3000'), 'order-service');
    assert.equal(hostOfOrigin('not a url'), undefined);
    assert.equal(hostOfOrigin(undefined), undefined);
  });
});

describe('remoteEndpointOf', () => {
  it('maps peer.service, the peer address and port as the Zipkin exporters do', () => {
    assert.deepEqual(
      remoteEndpointOf({ 'peer.service': 'order-service', 'server.address': 'order-service', 'server.port': 3000, 'network.peer.address': '10.96.1.2', 'network.peer.port': 3000 }),
      { serviceName: 'order-service', ipv4: '10.96.1.2', port: 3000 },
    );
    assert.deepEqual(remoteEndpointOf({ 'peer.service': 'rabbitmq', 'server.address': '127.0.0.72', 'server.port': 34397 }), {
      serviceName: 'rabbitmq',
      ipv4: '127.0.0.72',
      port: 34397,
    });
    assert.deepEqual(remoteEndpointOf({ 'server.address': 'fd00::5', 'network.peer.address': 'fd00::5', 'network.peer.port': '8080' }), {
      serviceName: 'fd00::5',
      ipv6: 'fd00::5',
      port: 8080,
    });
  });

  it('falls back to the host and port when no peer name resolves', () => {
    assert.deepEqual(remoteEndpointOf({ 'server.address': '192.0.2.7', 'server.port': 8443 }), { serviceName: '192.0.2.7', ipv4: '192.0.2.7', port: 8443 });
    assert.deepEqual(remoteEndpointOf({ 'server.address': 'api.example.org.', 'server.port': 443 }), { serviceName: 'api.example.org', port: 443 });
    assert.deepEqual(remoteEndpointOf({ 'network.peer.address': '192.0.2.8', 'network.peer.port': 80 }), { serviceName: '192.0.2.8', ipv4: '192.0.2.8', port: 80 });
    assert.deepEqual(remoteEndpointOf({ 'net.peer.name': 'legacy-service', 'net.peer.port': 9000 }), { serviceName: 'legacy-service', port: 9000 });
  });

  it('names none when the attributes name no peer', () => {
    assert.equal(remoteEndpointOf({ 'http.request.method': 'GET' }), undefined);
    assert.equal(remoteEndpointOf({ 'server.port': 'none' }), undefined);
  });
});
