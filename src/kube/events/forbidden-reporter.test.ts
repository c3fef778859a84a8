import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError } from '../client/kube-rest.js';
import { forbiddenMessage, involvedObject, isForbidden } from './forbidden-reporter.js';

describe('forbidden reporting', () => {
  it('names the object an operator describes for each work key', () => {
    assert.deepEqual(involvedObject('export/shop/web', 'v1beta1', 'causeway-system'), {
      apiVersion: 'multicluster.x-k8s.io/v1beta1',
      kind: 'ServiceExport',
      namespace: 'shop',
      name: 'web',
    });
    assert.deepEqual(involvedObject('import/shop/web', 'v1alpha1', 'causeway-system'), {
      apiVersion: 'multicluster.x-k8s.io/v1alpha1',
      kind: 'ServiceImport',
      namespace: 'shop',
      name: 'web',
    });
    assert.equal(involvedObject('global/shop/web', 'v1beta1', 'cs')?.kind, 'ServiceImport');
    assert.deepEqual(involvedObject('secret/token-for-east', 'v1beta1', 'cs'), {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'cs',
      name: 'token-for-east',
    });
    assert.equal(involvedObject('other/x/y', 'v1beta1', 'cs'), undefined);
  });

  it("keeps the API server's refusal (verb, resource, namespace) and says where to grant it", () => {
    const err = new KubeApiError(
      403,
      'Forbidden',
      'PATCH /apis/discovery.k8s.io/v1/namespaces/a/endpointslices/x: 403 endpointslices.discovery.k8s.io "x" is forbidden: User "u" cannot patch resource "endpointslices"',
    );
    assert.equal(isForbidden(err), true);
    assert.equal(isForbidden(new KubeApiError(404, 'NotFound', 'gone')), false);
    const message = forbiddenMessage(err);
    assert.match(
      message,
      /^the API server refused the controller: endpointslices\.discovery\.k8s\.io "x" is forbidden: User "u" cannot patch resource "endpointslices"\. /,
    );
    assert.match(message, /deploy\/rbac\/controller-rbac\.yaml/);
  });
});
