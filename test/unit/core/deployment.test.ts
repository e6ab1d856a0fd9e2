import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleSite, localSite } from '../../../bin/local/site';
import { deploymentJsonSchema, loadDeploymentFile } from '../../../bin/ops/deployment-file';
import { stageConfig } from '../../../functions/core/config';
import {
  checkDeployment,
  type Deployment,
  DeploymentError,
  deploymentChanges,
  deploymentDigest,
  withDeployment,
} from '../../../functions/core/deployment';
import { readDeployment } from '../../../functions/platform/deployment-source';
import type { SealedTable } from '../../../functions/store/sealed-table';

const root = join(import.meta.dirname, '..', '..', '..');
const copy = (d: Deployment): Deployment => JSON.parse(JSON.stringify(d));
const problemsOf = (value: unknown): string[] => {
  try {
    checkDeployment(value, 'test.json');
  } catch (error) {
    if (error instanceof DeploymentError) return [...error.problems];
    throw error;
  }
  return [];
};

describe('the deployment file', () => {
  it('holds the committed example and the local site, and its editor schema is the code’s', () => {
    expect(loadDeploymentFile(join(root, 'deploy', 'example.json')).stage).toBe('prod');
    expect(loadDeploymentFile(join(root, 'deploy', 'local.json')).stage).toBe('local');
    expect(readFileSync(join(root, 'deploy', 'schema.json'), 'utf8').replace(/\s+/g, '')).toBe(
      deploymentJsonSchema().replace(/\s+/g, ''),
    );
  });

  it('names the field of every problem, so an operator knows what to fix', () => {
    const d = copy(exampleSite) as unknown as Record<string, never>;
    const broken = JSON.parse(JSON.stringify(d));
    broken.hospitals.push({ ...broken.hospitals[0] });
    broken.hospitals[1].his.kind = 'hl7v2';
    broken.hospitalClients[0].secretHashes = ['a'.repeat(43), 'b'.repeat(43), 'c'.repeat(43)];
    broken.oidc.clients[0].secretHashes = ['not-a-hash'];
    broken.oidc.clients[0].redirectUris = ['http://ih.example.cn/callback'];
    broken.miniPrograms.wechat[0].hospitalId = 'h-gone';
    broken.surprise = true;
    expect(problemsOf(broken)).toEqual(
      expect.arrayContaining([
        'hospitals[1].his.kind: one of "fhir", "signed_json"',
        'hospitalClients[0].secretHashes: two during a rotation, one otherwise',
        'oidc.clients[0].secretHashes[0]: a SHA-256 in base64url (43 characters)',
        'oidc.clients[0].redirectUris[0]: an https URL (http on loopback only)',
        '(top level): unknown field(s) surprise',
      ]),
    );
    // Cross-field rules run once the shapes are right.
    const crossed = JSON.parse(JSON.stringify(d));
    crossed.hospitals.push({ ...crossed.hospitals[0] });
    crossed.miniPrograms.wechat[0].hospitalId = 'h-gone';
    crossed.hospitalClients[0].hospitalId = 'h-gone';
    expect(problemsOf(crossed)).toEqual([
      'hospitals[2]: h-pumch is listed twice',
      'hospitalClients[0].hospitalId: no hospital h-gone in hospitals',
      'miniPrograms.wechat[0].hospitalId: no hospital h-gone in hospitals',
    ]);
  });

  it('puts the site over the stage’s rules and leaves the rules alone', () => {
    const config = withDeployment(stageConfig('prod'), exampleSite);
    expect(config.hospitals.map((h) => h.id)).toEqual(['h-pumch', 'h-renji']);
    expect(config.hospitalApi.clients.map((c) => c.clientId)).toEqual(['pumch-his']);
    expect(config.auth.tokens.issuer).toBe('https://api.hospital-example.cn');
    expect(config.oauth.providers.wechat.appIds.web).toBe('wx0000000000000001');
    expect(config.auth.limits).toBe(stageConfig('prod').auth.limits);
    expect(config.hospitalApi.tokenTtlSeconds).toBe(stageConfig('prod').hospitalApi.tokenTtlSeconds);
    // With no deployment applied, production has no hospital and no client.
    expect(stageConfig('prod').hospitals).toEqual([]);
    expect(stageConfig('prod').hospitalApi.clients).toEqual([]);
  });

  it('says what changed by id, never by value, and tells a rotation from other edits', () => {
    const next = copy(localSite);
    next.hospitals.push({ ...(next.hospitals[0] as Deployment['hospitals'][number]), id: 'h-new' });
    (next.hospitalClients[0] as { secretHashes: string[] }).secretHashes = ['x'.repeat(43)];
    (next.hospitals[1] as { cardLimit: number }).cardLimit = 9;
    next.oidc.clients = next.oidc.clients.slice(1);
    const changes = deploymentChanges(localSite, next);
    expect(changes).toEqual({
      hospitalsAdded: 'h-new',
      hospitalsChanged: 'h-renji',
      hospitalClientsChanged: 'pumch-his',
      credentialsRotated: 'pumch-his',
      oidcClientsRemoved: 'pumch-ih',
    });
    expect(JSON.stringify(changes)).not.toContain('x'.repeat(43));
    expect(deploymentDigest(next)).not.toBe(deploymentDigest(localSite));
    // The editor hint is not content: the same deployment has the same digest without it.
    const { $schema: _hint, ...bare } = localSite;
    expect(deploymentDigest(bare as Deployment)).toBe(deploymentDigest(localSite));
  });

  it('uses no stored deployment that is not what was applied', async () => {
    const stored = (document: string, digest: string) =>
      ({
        get: async () => ({ item: { document, version: 4, digest, appliedAt: 1 }, sealed: {} }),
      }) as unknown as SealedTable;
    const digest = deploymentDigest(localSite);
    expect((await readDeployment(stored(JSON.stringify(localSite), digest)))?.version).toBe(4);
    const edited = copy(localSite);
    (edited.hospitalClients[0] as { secretHashes: string[] }).secretHashes = ['y'.repeat(43)];
    await expect(readDeployment(stored(JSON.stringify(edited), digest))).rejects.toThrow(
      /does not match its digest/,
    );
  });
});
