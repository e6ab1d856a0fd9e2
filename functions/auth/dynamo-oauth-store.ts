import * as z from 'zod/mini';
import { identityProviderNames, oauthClients, oauthProviderNames } from '../core/config';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import { keys } from '../store/keys';
import { attr, parseRow, readRow } from '../store/rows';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import type { BindRecord, LinkRecord, OAuthStore, StateRecord } from './link-ports';
import type { CodeUse, NewLink } from './ports';

/** `OAUTHSTATE#<hash>`: what the callback must match. */
const stateRow = z.object({
  provider: z.enum(oauthProviderNames),
  client: z.enum(oauthClients),
  redirectUri: attr.text(),
  nonceHash: attr.text(),
  expiresAt: attr.time(),
});
/** `BIND#<hash>`: a third-party login waiting for a phone, its profile sealed as JSON. */
const bindRow = z.object({
  provider: z.enum(identityProviderNames),
  identityToken: attr.text(),
  expiresAt: attr.time(),
  consumed: attr.optional(attr.flag()),
  profile: attr.text(),
});
const profileJson = z.object({
  provider: z.enum(identityProviderNames),
  appId: attr.text(),
  openId: attr.text(),
  unionId: attr.optional(attr.text()),
  nickname: attr.optional(attr.text()),
  avatarUrl: attr.optional(attr.text()),
});
const claimRow = z.object({ userId: attr.text() });
/** `USER#<id>/IDP#<provider>`, nickname and avatar sealed. */
const linkRow = z.object({
  provider: attr.text(),
  identityToken: attr.text(),
  appId: attr.text(),
  linkedAt: attr.time(),
  nickname: attr.optional(attr.text()),
  avatarUrl: attr.optional(attr.text()),
});
const linkKeyRow = z.object({ identityToken: attr.text() });

/**
 * Third-party logins: OAuth `state` values and phone-binding tokens (stored only as hashes, used
 * once through conditional updates, gone by TTL an hour after they expire), and the links between
 * a provider identity (`IDP#<provider>#<token>`, one account each) and an account
 * (`USER#<id>/IDP#<provider>`, one per provider, nickname and avatar sealed).
 */
export class DynamoOAuthStore implements OAuthStore {
  readonly #table: SealedTable;
  readonly #parts: { readonly audit: AuditWriter; readonly code: (use: CodeUse) => Promise<Write> };

  constructor(
    table: SealedTable,
    parts: { readonly audit: AuditWriter; readonly code: (use: CodeUse) => Promise<Write> },
  ) {
    this.#table = table;
    this.#parts = parts;
  }

  async putState(stateHash: string, record: StateRecord): Promise<void> {
    await this.#table.commit(
      await this.#table.put(
        'state',
        {
          ...keys.oauthState(stateHash),
          ...record,
          consumed: false,
          ttl: Math.ceil(record.expiresAt / 1000) + 3600,
        },
        {},
        conditions.absent,
      ),
    );
  }

  /** Uses a state up if it exists, is unused, unexpired, for this provider and this nonce. */
  async consumeState(
    stateHash: string,
    expect: { provider: string; nonceHash: string; now: number },
  ): Promise<StateRecord | undefined> {
    const used = await this.#consume(keys.oauthState(stateHash), expect.now, {
      expression: '#provider = :provider AND #nonceHash = :nonceHash',
      names: { '#provider': 'provider', '#nonceHash': 'nonceHash' },
      values: { ':provider': expect.provider, ':nonceHash': expect.nonceHash },
    });
    return used === undefined ? undefined : parseRow('oauthState', stateRow, used);
  }

  async putBind(tokenHash: string, record: BindRecord): Promise<void> {
    const { profile, ...plain } = record;
    await this.#table.commit(
      await this.#table.put(
        'bind',
        {
          ...keys.bindToken(tokenHash),
          ...plain,
          consumed: false,
          ttl: Math.ceil(record.expiresAt / 1000) + 3600,
        },
        // The profile (openid, unionid, nickname, avatar) is personal information: sealed.
        { profile: JSON.stringify(profile) },
        conditions.absent,
      ),
    );
  }

  async getBind(tokenHash: string): Promise<(BindRecord & { consumed: boolean }) | undefined> {
    const row = readRow('bind', bindRow, await this.#table.get(keys.bindToken(tokenHash)));
    if (!row) return undefined;
    const profile = parseRow('bind', profileJson, JSON.parse(row.profile));
    return { ...row, consumed: row.consumed === true, profile };
  }

  async claimPhoneProof(
    proofToken: string,
    claim: { identityToken: string; expiresAt: number; sameIdentityMayReuse: boolean },
  ): Promise<boolean> {
    const outcome = await this.#table.commit(
      await this.#table.put(
        'proof',
        {
          ...keys.phoneProof(proofToken),
          identityToken: claim.identityToken,
          expiresAt: claim.expiresAt,
          ttl: Math.ceil(claim.expiresAt / 1000),
        },
        {},
        claim.sameIdentityMayReuse
          ? {
              expression: 'attribute_not_exists(pk) OR #identity = :identity',
              names: { '#identity': 'identityToken' },
              values: { ':identity': claim.identityToken },
            }
          : conditions.absent,
      ),
    );
    return outcome.ok;
  }

  async consumeBind(tokenHash: string, now: number): Promise<boolean> {
    return (await this.#consume(keys.bindToken(tokenHash), now)) !== undefined;
  }

  async #consume(
    key: { pk: string; sk: string },
    now: number,
    extra?: { expression: string; names: Record<string, string>; values: Record<string, string> },
  ): Promise<Record<string, unknown> | undefined> {
    const outcome = await this.#table.commit(
      await this.#table.update(
        'consume',
        key,
        { set: { consumed: true } },
        {
          condition: {
            expression: `attribute_exists(pk) AND #consumed = :false AND #expiresAt > :now${extra ? ` AND ${extra.expression}` : ''}`,
            names: { '#consumed': 'consumed', '#expiresAt': 'expiresAt', ...extra?.names },
            values: { ':false': false, ':now': now, ...extra?.values },
          },
        },
      ),
      { returns: 'all' },
    );
    return outcome.ok ? (outcome.attributes ?? {}) : undefined;
  }

  /** The identity's claim and the account's entry, for a transaction (registration composes them). */
  async linkWrites(link: NewLink): Promise<Write[]> {
    const t = this.#table;
    const sealed = {
      ...(link.nickname ? { nickname: link.nickname } : {}),
      ...(link.avatarUrl ? { avatarUrl: link.avatarUrl } : {}),
    };
    return [
      await t.put(
        'identityClaim',
        {
          ...keys.identityClaim(link.provider, link.identityToken),
          userId: link.userId,
          appId: link.appId,
          linkedAt: link.linkedAt,
        },
        {},
        conditions.absent,
      ),
      await t.put(
        'accountLink',
        {
          ...keys.link(link.userId, link.provider),
          userId: link.userId,
          provider: link.provider,
          identityToken: link.identityToken,
          appId: link.appId,
          linkedAt: link.linkedAt,
        },
        sealed,
        conditions.absent,
      ),
    ];
  }

  async linkIdentity(
    link: NewLink,
    also: { readonly audit: AuditEvent; readonly code?: CodeUse },
  ): Promise<'linked' | 'identity_taken' | 'provider_taken' | 'code_used'> {
    const outcome = await this.#table.commit([
      ...(await this.linkWrites(link)),
      ...(also.code ? [await this.#parts.code(also.code)] : []),
      await this.#parts.audit.write(also.audit),
    ]);
    if (outcome.ok) return 'linked';
    if (outcome.refused.includes('code')) return 'code_used';
    return outcome.refused.includes('identityClaim') ? 'identity_taken' : 'provider_taken';
  }

  async findLinkedUser(provider: string, identityToken: string): Promise<string | undefined> {
    return readRow(
      'identityClaim',
      claimRow,
      await this.#table.get(keys.identityClaim(provider, identityToken)),
    )?.userId;
  }

  async listLinks(userId: string): Promise<LinkRecord[]> {
    const stored = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.linkPrefix,
    });
    return stored.map((entry) => ({ userId, ...readRow('accountLink', linkRow, entry) }));
  }

  async unlink(userId: string, provider: string, audit: AuditEvent): Promise<boolean> {
    const entry = readRow(
      'accountLink',
      linkKeyRow,
      await this.#table.get(keys.link(userId, provider), { open: false }),
    );
    if (!entry) return false;
    const outcome = await this.#table.commit([
      await this.#parts.audit.write(audit),
      this.#table.delete('accountLink', keys.link(userId, provider)),
      this.#table.delete(
        'identityClaim',
        keys.identityClaim(provider, entry.identityToken),
        conditions.ownedBy(userId),
      ),
    ]);
    return outcome.ok;
  }
}
