import * as z from 'zod/mini';
import type { CodeUse } from '../auth';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import type { AccountClaims, QueuedRequest, RightsRequest, RightsRequestStore } from './rights-requests';
import { requestKinds, requestStatuses } from './rights-requests';

/** `REQUEST#<id>`: the request; who asked (for requests a person handles) sealed beside it. */
const requestRow = z.object({
  requestId: attr.text(),
  kind: z.enum(requestKinds),
  status: z.enum(requestStatuses),
  receivedAt: attr.time(),
  dueAt: attr.time(),
  completedAt: attr.optional(attr.time()),
  userId: attr.optional(attr.text()),
  attempts: z._default(attr.number(), 0),
  lastError: attr.optional(attr.text()),
});
const contactRow = z.object({
  phone: attr.text(),
  name: attr.text(),
  details: attr.text(),
  subjectName: attr.optional(attr.text()),
  subjectPhone: attr.optional(attr.text()),
});
const pointerRow = z.object({ requestId: attr.text() });
const queuedRow = z.object({
  requestId: attr.text(),
  kind: z.enum(requestKinds),
  receivedAt: attr.time(),
  dueAt: attr.time(),
});

/** The writes of other features a request's transaction carries. */
export interface RequestParts {
  readonly audit: AuditWriter;
  /** The use of the code that proved the contact number or stepped up (`remove`: deleted with it). */
  readonly code: (use: CodeUse, options?: { remove?: boolean }) => Promise<Write>;
}

/** The other codes a closing account's number may hold (its step_up code is used up and removed). */
const CLOSING_PURPOSES = ['login', 'bind', 'privacy_request'] as const;

/**
 * Rights requests: `REQUEST#<id>` (contact details sealed), the user's `USER#<id>/REQUEST#<id>`
 * pointer, and `REQUESTQUEUE/<due>#<id>` while open (one partition: requests this rare never
 * make it hot). Account closure removes the account's claims in the same transaction, each only
 * if it still names this account.
 */
export class DynamoRightsRequestStore implements RightsRequestStore {
  readonly #table: SealedTable;
  readonly #parts: RequestParts;

  constructor(table: SealedTable, parts: RequestParts) {
    this.#table = table;
    this.#parts = parts;
  }

  async #requestWrites(request: RightsRequest): Promise<Write[]> {
    const t = this.#table;
    const { contact, ...plain } = request;
    return [
      await t.put(
        'request',
        { ...keys.rightsRequest(request.requestId), ...plain },
        contact ? { ...contact } : {},
        conditions.absent,
      ),
      await t.put('queue', {
        ...keys.requestQueue(request.dueAt, request.requestId),
        requestId: request.requestId,
        kind: request.kind,
        receivedAt: request.receivedAt,
        dueAt: request.dueAt,
      }),
      ...(request.userId
        ? [
            await t.put('pointer', {
              ...keys.requestPointer(request.userId, request.requestId),
              requestId: request.requestId,
              kind: request.kind,
            }),
          ]
        : []),
    ];
  }

  async openAccountDeletion(
    request: RightsRequest,
    claims: AccountClaims,
    also: { readonly audit: AuditEvent; readonly code: CodeUse },
  ) {
    const t = this.#table;
    const { userId } = claims;
    const claimKeys = [
      keys.phoneClaim(claims.phoneToken),
      ...(claims.idNumberToken ? [keys.idNumberClaim(claims.idNumberToken)] : []),
      ...claims.identities.map((i) => keys.identityClaim(i.provider, i.identityToken)),
    ];
    const outcome = await t.commit([
      await t.update(
        'closing',
        keys.profile(userId),
        { set: { closingRequestId: request.requestId } },
        {
          condition: {
            expression: 'attribute_exists(pk) AND attribute_not_exists(#closing)',
            names: { '#closing': 'closingRequestId' },
          },
        },
      ),
      ...(await this.#requestWrites({ ...request, userId })),
      ...claimKeys.map((key, i) => t.delete(`claim${i}`, key, conditions.absentOrOwnedBy(userId))),
      // A login with a code the number received before closing must not reach the account now,
      // and the number's partition keeps nothing of it.
      ...CLOSING_PURPOSES.map((purpose) =>
        t.delete(`code:${purpose}`, keys.challenge(claims.phoneToken, purpose)),
      ),
      await this.#parts.code(also.code, { remove: true }),
      await this.#parts.audit.write(also.audit),
    ]);
    if (outcome.ok) return 'opened' as const;
    if (outcome.refused.includes('closing')) return 'already_closing' as const;
    if (outcome.refused.includes('code')) return 'code_used' as const;
    throw new Error(`account closure refused: ${outcome.refused.join(', ')}`);
  }

  async submit(
    request: RightsRequest,
    also: { readonly audit: AuditEvent; readonly code?: CodeUse },
  ): Promise<'submitted' | 'code_used'> {
    const outcome = await this.#table.commit([
      ...(await this.#requestWrites(request)),
      ...(also.code ? [await this.#parts.code(also.code)] : []),
      await this.#parts.audit.write(also.audit),
    ]);
    if (outcome.ok) return 'submitted';
    if (outcome.refused.includes('code')) return 'code_used';
    throw new Error('request id collision');
  }

  async get(requestId: string): Promise<RightsRequest | undefined> {
    const stored = await this.#table.get(keys.rightsRequest(requestId));
    if (!stored) return undefined;
    const request = parseRow('rightsRequest', requestRow, stored.item);
    const hasContact = Object.keys(stored.sealed).length > 0;
    return {
      ...request,
      ...(hasContact ? { contact: parseRow('rightsRequest', contactRow, stored.sealed) } : {}),
    };
  }

  async listForUser(userId: string): Promise<RightsRequest[]> {
    const pointers = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.requestPointerPrefix,
    });
    const found = await Promise.all(
      pointers.map((p) => this.get(parseRow('requestPointer', pointerRow, p.item).requestId)),
    );
    return found.filter((r): r is RightsRequest => r !== undefined);
  }

  async listOpen(): Promise<QueuedRequest[]> {
    const queued = await this.#table.queryAll({ pk: keys.requestQueuePartition });
    return queued.map(({ item }) => parseRow('requestQueue', queuedRow, item));
  }

  async recordFailure(requestId: string, reason: string): Promise<void> {
    await this.#table.commit(
      await this.#table.update(
        'failure',
        keys.rightsRequest(requestId),
        { add: { attempts: 1 }, set: { lastError: reason } },
        { condition: conditions.present },
      ),
    );
  }

  async complete(requestId: string, now: number, keepUntil: number, audit?: AuditEvent): Promise<void> {
    const request = await this.get(requestId);
    if (!request || request.status === 'completed') return;
    const t = this.#table;
    await t.commit([
      ...(audit ? [await this.#parts.audit.write(audit)] : []),
      // Kept because the law asks for proof the request was carried out, and nothing else.
      await t.update(
        'request',
        keys.rightsRequest(requestId),
        {
          set: { status: 'completed', completedAt: now, storageOnly: true, ttl: Math.ceil(keepUntil / 1000) },
        },
        {
          condition: {
            expression: '#status <> :done',
            names: { '#status': 'status' },
            values: { ':done': 'completed' },
          },
        },
      ),
      t.delete('queue', keys.requestQueue(request.dueAt, requestId)),
    ]);
  }
}
