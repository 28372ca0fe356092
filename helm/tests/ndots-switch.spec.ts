// ndotsDemo.before: one values switch for seed 000's ndots "before" state (docs/seeds/000-aks-store-inspektor-gadget.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envOf, HELM_SKIP, render } from './render';

function externalUrl(sets: string[]): string {
  return envOf(render([], sets).get('Deployment', 'order-service').spec.template.spec.containers[0]).EXTERNAL_SERVER_URL;
}

describe('ndotsDemo.before', { skip: HELM_SKIP }, () => {
  it('keeps the FQDN by default and drops only the trailing dot of the host when on', () => {
    assert.equal(externalUrl([]), 'http://myexternalserver.com.');
    assert.equal(externalUrl(['ndotsDemo.before=true']), 'http://myexternalserver.com');
    assert.equal(
      externalUrl(['ndotsDemo.before=true', 'apps.order-service.env.EXTERNAL_SERVER_URL=http://myexternalserver.com.:8080/x']),
      'http://myexternalserver.com:8080/x',
    );
  });

  it('is refused unless a boolean', () => {
    assert.throws(() => render([], ['ndotsDemo.before=yes']), /before/);
  });
});
