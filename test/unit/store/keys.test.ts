import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_RATE_SCOPES,
  accountItemsElsewhere,
  type ItemKind,
  type KindName,
  keys,
  kindOf,
  kinds,
} from '../../../functions/store/keys';

const root = join(import.meta.dirname, '..', '..', '..');
const all = Object.entries(kinds) as [KindName, ItemKind][];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

describe('the key registry', () => {
  it('gives every kind a fate on account deletion, and a reason where it is kept', () => {
    for (const [name, kind] of all) {
      expect(['erase', 'storage_only', 'released', 'expires', 'kept'], name).toContain(
        kind.onAccountDeletion.kind,
      );
      if (kind.onAccountDeletion.kind === 'kept')
        expect(kind.onAccountDeletion.why.length, name).toBeGreaterThan(10);
    }
  });

  it('locates every kind the eraser must reach, outside the account partition too', () => {
    for (const [name, kind] of all) {
      if (kind.locate === 'account_partition') expect(kind.pk, name).toBe('USER#');
      const elsewhere =
        kind.locate === 'phone' || kind.locate === 'identity_pair' || kind.locate === 'account_key';
      expect(name in accountItemsElsewhere, name).toBe(elsewhere);
    }
    const found = accountItemsElsewhere.rateWindow?.({ userId: 'u1', phoneToken: 'p' });
    expect(found?.partitions).toEqual(ACCOUNT_RATE_SCOPES.map((scope) => keys.ratePartition(scope, 'u1')));
  });

  it('tells every key it builds apart by kind', () => {
    const built: [KindName, { pk: string; sk: string }][] = [
      ['profile', keys.profile('u')],
      ['session', keys.session('u', 'f')],
      ['consent', keys.consent('u', 'medical_card', 0)],
      ['identity', keys.identity('u')],
      ['livenessCheck', keys.livenessCheck('u', 'l')],
      ['link', keys.link('u', 'wechat')],
      ['phoneRecovery', keys.phoneRecovery('u')],
      ['card', keys.card('u', 'c')],
      ['cardsAt', keys.cardsAt('u', 'h')],
      ['requestPointer', keys.requestPointer('u', 'r')],
      ['phoneClaim', keys.phoneClaim('t')],
      ['idNumberClaim', keys.idNumberClaim('t')],
      ['identityClaim', keys.identityClaim('wechat', 't')],
      ['challenge', keys.challenge('t', 'login')],
      ['rateWindow', keys.rateWindow('s', 'k', 60, 0)],
      ['identityMatch', keys.identityMatch('t')],
      ['hospitalEvent', keys.hospitalEvent('h', 3, 'c')],
      ['webhookDeadLetter', keys.webhookDeadLetter('h', 0, 'e')],
      ['oauthState', keys.oauthState('t')],
      ['bindToken', keys.bindToken('t')],
      ['clientAssertion', keys.clientAssertion('a')],
      ['oidcRequest', keys.oidcRequest('r')],
      ['oidcCode', keys.oidcCode('c')],
      ['oidcGrant', keys.oidcGrant('g')],
      ['phoneProof', keys.phoneProof('t')],
      ['attestationCode', keys.attestationCode('t')],
      ['rightsRequest', keys.rightsRequest('r')],
      ['requestQueue', keys.requestQueue(0, 'r')],
      ['auditEntry', keys.auditEntry('2026-11-30', 0, 0, 'i')],
      ['auditBlock', keys.auditChainBlock('2026-11-30', 17)],
      ['auditChainHead', keys.auditChainHead('2026-11-30')],
      ['jobWatermark', keys.jobWatermark('retention')],
      ['signingKey', keys.signingKey(12345, 'k1')],
      ['publishedKey', keys.publishedKey(12345, 'k1')],
      ['signingKeyClaim', keys.signingKeyClaim(12345, 'k1')],
      ['platformToken', keys.platformToken('wechat', 'wx1')],
      ['deployment', keys.deploymentCurrent],
      ['deployment', keys.deploymentVersion(3)],
      ['incident', keys.incident('INC-1')],
      ['incidentAffected', keys.incidentAffected('INC-1', 'u')],
      ['openIncident', keys.openIncident(0, 'INC-1')],
      ['notice', keys.notice('u', 0, 'INC-1')],
    ];
    for (const [kind, key] of built) expect(kindOf(key), `${key.pk} ${key.sk}`).toBe(kind);
    expect(new Set(built.map(([kind]) => kind))).toEqual(new Set(Object.keys(kinds)));
  });

  it('is the only place a key prefix is written', () => {
    const prefixes = [
      ...new Set(all.flatMap(([, k]) => [k.pk, k.sk ?? '']).filter((p) => /^[A-Z]{3,}#?$/.test(p))),
    ];
    const literal = new RegExp(`['\`](${prefixes.map((p) => p.replace('#', '')).join('|')})(#|['\`])`);
    const offenders: string[] = [];
    for (const file of sources(join(root, 'functions'))) {
      if (file === 'functions/store/keys.ts') continue;
      const code = readFileSync(join(root, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      code.split('\n').forEach((line, i) => {
        if (literal.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
