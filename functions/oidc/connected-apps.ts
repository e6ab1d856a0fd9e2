import type { Identity } from '../core/authorizer-context';
import type { OidcScope } from '../core/config';
import { AppError } from '../core/errors';
import { APP_SHARING } from '../kernel/consent/consents';
import type { OidcDeps } from './ports';

/** The apps the person shares information with now (their newest `app_sharing` entry accepted). */
export async function connectedApps(deps: OidcDeps, who: Identity) {
  const history = await deps.consents.history(who.userId);
  const newest = new Map<string, (typeof history)[number]>();
  for (const entry of history) {
    if (entry.purpose !== APP_SHARING || !entry.recipient) continue;
    const seen = newest.get(entry.recipient);
    if (!seen || seen.at < entry.at) newest.set(entry.recipient, entry);
  }
  const apps = [];
  for (const entry of newest.values()) {
    const client = deps.config.clients.find((c) => c.clientId === entry.recipient);
    if (!entry.accepted || !client) continue;
    apps.push({
      client: { id: client.clientId, name: client.name },
      scopes: (entry.covers ?? []) as OidcScope[],
      since: new Date(entry.at).toISOString(),
    });
  }
  return { apps };
}

/**
 * Withdraws sharing with an app (PIPL art. 15): recorded in the consent ledger with its audit
 * entry; every token the app holds stops at userinfo and introspection at once, since they check
 * the newest entry. An app the person never shared with: 404.
 */
export async function disconnectApp(
  deps: OidcDeps,
  who: Identity,
  clientId: string,
  client: { ipPrefix: string; userAgent: string },
): Promise<void> {
  const sharing = await deps.consents.sharing(who.userId, clientId);
  if (sharing?.accepted !== true) throw new AppError('connected_app_not_found');
  const at = Math.max(deps.clock.now().getTime(), sharing.at + 1);
  await deps.consents.record(
    {
      userId: who.userId,
      purpose: APP_SHARING,
      recipient: clientId,
      covers: sharing.covers ? [...sharing.covers] : [],
      policyVersion: deps.policyVersion,
      accepted: false,
      at,
      ipPrefix: client.ipPrefix,
      userAgent: client.userAgent.slice(0, 256),
      by: 'self',
    },
    {
      event: 'consent.changed',
      userId: who.userId,
      sessionId: who.sessionId,
      detail: {
        purpose: APP_SHARING,
        recipient: clientId,
        accepted: false,
        policyVersion: deps.policyVersion,
      },
      at,
    },
  );
}
