import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricsSource, sumMetric } from './metrics';

describe('metricsSource', () => {
  it('names the Prometheus the texts were read from', () => {
    const texts = ['# source: Prometheus http://127.0.0.90:9090\nhttp_requests_total{app="front-end",route="/"} 3\n'];
    assert.equal(metricsSource(texts), 'Prometheus http://127.0.0.90:9090');
    assert.equal(sumMetric(texts, 'http_requests_total', { route: '/' }), 3, 'the source line is a comment to the parser');
  });

  it('says when the texts are direct scrapes', () => {
    assert.equal(metricsSource(['# HELP http_requests_total x\nhttp_requests_total 1\n']), "each pod's /metrics, scraped directly");
    assert.equal(metricsSource([]), "each pod's /metrics, scraped directly");
  });
});
