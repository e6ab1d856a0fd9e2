import { describe, expect, it } from 'vitest';
import { exampleConfig, localConfig } from '../../../bin/local/site';
import { type OidcClientConfig, stages } from '../../../functions/core/config';
import { BlindIndexer } from '../../../functions/crypto/blind-index';
import { acrValues, meets, requestedLevel } from '../../../functions/oidc/assurance-levels';
import { clientProblems, subjectFor } from '../../../functions/oidc/clients';

const app: OidcClientConfig = {
  clientId: 'ih',
  name: { 'zh-CN': '互联网医院', en: 'Internet hospital' },
  processor: { 'zh-CN': '医院', en: 'Hospital' },
  redirectUris: ['https://ih.example.cn/callback'],
  postLogoutRedirectUris: [],
  secretHashes: ['q2GRn9LYydxMjUCt2Ojh6KEbfi74T8keaDAM3emBH3M'],
  scopes: ['openid'],
  subjectType: 'pairwise',
  disabled: false,
};
const oidc = (clients: OidcClientConfig[]) => ({ ...stages.prod.oidc, clients });

describe('registered apps', () => {
  it('are well-formed in the local and the example site', () => {
    for (const config of [localConfig, exampleConfig]) expect(clientProblems(config.oidc)).toEqual([]);
  });

  it('name the client and the field of each mistake', () => {
    expect(
      clientProblems(
        oidc([
          { ...app, redirectUris: ['http://ih.example.cn/cb', 'https://other.example.cn/cb#x'] },
          { ...app, clientId: 'ih', secretHashes: ['plain-secret'], scopes: ['profile'] },
        ]),
      ),
    ).toEqual([
      'oidc.clients[0] (ih).redirectUris: http://ih.example.cn/cb must be https (http on loopback only)',
      'oidc.clients[0] (ih).redirectUris: https://other.example.cn/cb#x must not have a fragment',
      'oidc.clients[0] (ih).sector: client ih: redirect URIs on several hosts need a sector',
      'oidc.clients[1] (ih).clientId: registered twice',
      'oidc.clients[1] (ih).secretHashes: a SHA-256 in base64url (43 characters)',
      'oidc.clients[1] (ih).scopes: must include openid',
    ]);
  });
});

describe('subjects and assurance levels', () => {
  const indexer = new BlindIndexer(new Uint8Array(32).fill(7));

  it('gives each sector its own subject, the same one for every app of a sector, never the account id', () => {
    const other = { ...app, clientId: 'reports', redirectUris: ['https://reports.example.cn/cb'] };
    const sibling = { ...app, clientId: 'ih-2', redirectUris: ['https://ih.example.cn/other'] };
    const sub = subjectFor(indexer, app, 'account-1');
    expect(sub).not.toContain('account-1');
    expect(subjectFor(indexer, other, 'account-1')).not.toBe(sub);
    expect(subjectFor(indexer, sibling, 'account-1')).toBe(sub);
    expect(subjectFor(indexer, app, 'account-2')).not.toBe(sub);
    expect(subjectFor(indexer, { ...app, subjectType: 'public' }, 'account-1')).toBe(
      subjectFor(indexer, { ...other, subjectType: 'public' }, 'account-1'),
    );
  });

  it('reads acr_values as the lowest level asked, ignoring values it does not know', () => {
    expect(requestedLevel(`urn:x:unknown ${acrValues.real_person} ${acrValues.two_element}`)).toBe(
      'two_element',
    );
    expect(requestedLevel('urn:x:unknown')).toBeUndefined();
    expect(requestedLevel(undefined)).toBeUndefined();
    expect(meets('two_element', 'real_person')).toBe(false);
    expect(meets('real_person', 'two_element')).toBe(true);
    expect(meets('none', undefined)).toBe(true);
  });
});
