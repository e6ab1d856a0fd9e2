import * as z from 'zod/mini';
import { oidcScopes } from '../core/config';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import type { ConsentEntry } from '../kernel/consent/consents';
import { keys } from '../store/keys';
import { attr, readRow } from '../store/rows';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import type { AuthorizationCode, AuthorizationRequest, Grant, OidcStore, Redemption } from './ports';

const scopes = () => z.array(z.enum(oidcScopes));
const level = () => z.enum(['none', 'two_element', 'real_person']);

/** `OIDCREQ#<id>`: the request as the authorization endpoint took it; state and nonce sealed. */
const requestRow = z.object({
  requestId: attr.text(),
  clientId: attr.text(),
  redirectUri: attr.text(),
  scopes: scopes(),
  codeChallenge: attr.text(),
  requiredLevel: attr.optional(level()),
  maxAge: attr.optional(attr.number()),
  prompt: z.array(z.enum(['login', 'consent'])),
  createdAt: attr.time(),
  expiresAt: attr.time(),
  state: attr.optional(attr.text()),
  nonce: attr.optional(attr.text()),
});

const grantRow = z.object({
  grantId: attr.text(),
  userId: attr.text(),
  clientId: attr.text(),
  sessionId: attr.text(),
  scopes: scopes(),
  level: level(),
  amr: attr.texts(),
  authTime: attr.time(),
  createdAt: attr.time(),
  expiresAt: attr.time(),
  revokedAt: attr.optional(attr.time()),
});

/** `OIDCCODE#<hash>`: the code's binding (client, redirect, PKCE) and the grant it becomes. */
const codeRow = z.object({
  clientId: attr.text(),
  redirectUri: attr.text(),
  codeChallenge: attr.text(),
  expiresAt: attr.time(),
  usedAt: attr.optional(attr.time()),
  grant: grantRow,
  nonce: attr.optional(attr.text()),
});

/**
 * Seconds since the epoch, an hour after `at`: when DynamoDB's TTL may remove the item. (Absent
 * optional fields are left out by the table's marshalling.)
 */
const ttlAfter = (at: number) => Math.ceil(at / 1000) + 3600;

/**
 * The OpenID provider's items: requests (`OIDCREQ#`), codes by hash (`OIDCCODE#`) and grants
 * (`OIDCGRANT#`), each gone by TTL. A request is used up by a conditional delete in the same
 * transaction as its code, so one request gives one code; a code is redeemed by a conditional
 * update in the same transaction as its grant, so of two parallel redemptions one wins and the
 * other is a replay.
 */
export class DynamoOidcStore implements OidcStore {
  readonly #table: SealedTable;
  readonly #audit: AuditWriter;
  readonly #consent: (entry: ConsentEntry) => Promise<Write>;

  constructor(
    table: SealedTable,
    parts: { audit: AuditWriter; consent: (entry: ConsentEntry) => Promise<Write> },
  ) {
    this.#table = table;
    this.#audit = parts.audit;
    this.#consent = parts.consent;
  }

  async putRequest(request: AuthorizationRequest): Promise<void> {
    const { state, nonce, ...plain } = request;
    const sealed: Record<string, string> = {};
    if (state !== undefined) sealed.state = state;
    if (nonce !== undefined) sealed.nonce = nonce;
    const outcome = await this.#table.commit(
      await this.#table.put(
        'request',
        {
          ...keys.oidcRequest(request.requestId),
          ...plain,
          prompt: [...plain.prompt],
          scopes: [...plain.scopes],
          ttl: ttlAfter(request.expiresAt),
        },
        sealed,
        conditions.absent,
      ),
    );
    if (!outcome.ok) throw new Error('authorization request id collided');
  }

  async getRequest(requestId: string, now: number): Promise<AuthorizationRequest | undefined> {
    const row = readRow('oidcRequest', requestRow, await this.#table.get(keys.oidcRequest(requestId)));
    return row && row.expiresAt > now ? row : undefined;
  }

  async endRequest(requestId: string): Promise<boolean> {
    return (
      await this.#table.commit(this.#table.delete('request', keys.oidcRequest(requestId), conditions.present))
    ).ok;
  }

  async issueCode(
    requestId: string,
    codeHash: string,
    code: AuthorizationCode,
    also: { readonly consent?: ConsentEntry; readonly audit: AuditEvent },
  ): Promise<boolean> {
    const { nonce, ...plain } = code;
    const writes: Write[] = [
      this.#table.delete('request', keys.oidcRequest(requestId), conditions.present),
      await this.#table.put(
        'code',
        {
          ...keys.oidcCode(codeHash),
          ...plain,
          grant: grantItem(code.grant),
          ttl: ttlAfter(code.expiresAt),
        },
        nonce === undefined ? {} : { nonce },
        conditions.absent,
      ),
      ...(also.consent ? [await this.#consent(also.consent)] : []),
      await this.#audit.write(also.audit),
    ];
    const outcome = await this.#table.commit(writes);
    if (!outcome.ok && !outcome.refused.includes('request'))
      throw new Error(`code not issued: ${outcome.refused.join(', ')}`);
    return outcome.ok;
  }

  async getCode(codeHash: string) {
    return readRow('oidcCode', codeRow, await this.#table.get(keys.oidcCode(codeHash)));
  }

  async redeemCode(
    codeHash: string,
    code: AuthorizationCode,
    now: number,
    audit: AuditEvent,
  ): Promise<Redemption> {
    const outcome = await this.#table.commit([
      await this.#table.update(
        'code',
        keys.oidcCode(codeHash),
        { set: { usedAt: now } },
        {
          condition: {
            expression: 'attribute_exists(pk) AND attribute_not_exists(#used)',
            names: { '#used': 'usedAt' },
          },
        },
      ),
      await this.#table.put(
        'grant',
        {
          ...keys.oidcGrant(code.grant.grantId),
          ...grantItem(code.grant),
          ttl: ttlAfter(code.grant.expiresAt),
        },
        {},
        conditions.absent,
      ),
      await this.#audit.write(audit),
    ]);
    if (outcome.ok) return { kind: 'redeemed' };
    return { kind: 'replayed' };
  }

  async getGrant(grantId: string): Promise<Grant | undefined> {
    return readRow('oidcGrant', grantRow, await this.#table.get(keys.oidcGrant(grantId)));
  }

  async revokeGrant(grantId: string, at: number, audit: AuditEvent): Promise<boolean> {
    const outcome = await this.#table.commit([
      await this.#table.update(
        'grant',
        keys.oidcGrant(grantId),
        { set: { revokedAt: at } },
        {
          condition: {
            expression: 'attribute_exists(pk) AND attribute_not_exists(#revoked)',
            names: { '#revoked': 'revokedAt' },
          },
        },
      ),
      await this.#audit.write(audit),
    ]);
    return outcome.ok;
  }
}

function grantItem(grant: Grant) {
  return { ...grant, scopes: [...grant.scopes], amr: [...grant.amr] };
}
