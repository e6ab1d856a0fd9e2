import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as z from 'zod/mini';
import type { HospitalConfig, OAuthClient, OAuthProviderName, StageConfig } from './config';
import { livenessProviderNames, oauthClients, oauthProviderNames, oidcScopes } from './config-names';

/**
 * A deployment: what one site (an operator and the hospitals it serves) sets, apart from the
 * stage's rules: hospitals and their HIS, hospital API clients, the hospital's own apps, the login
 * platforms' app ids, the issuer and the domains. It is data (`deploy/<name>.json`), validated
 * here with errors that name the field, applied to the table by `npm run deployment -- apply`
 * (audited), and read by the functions at run time, so adding a hospital or rotating a client
 * secret changes no code and needs no redeploy.
 */
/** A lower-case DNS name, and an ACM certificate in a China region: the stack's domains. */
export const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const CHINA_CERTIFICATE_ARN =
  /^arn:aws-cn:acm:cn-(north|northwest)-1:\d{12}:certificate\/[0-9a-f-]{36}$/;

/** Where a browser or a server may be sent: https, or plain http to this machine only. */
export function httpsOrLoopback(url: URL): boolean {
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
}

const pattern = (re: RegExp, message: string) => z.string().check(z.regex(re, message));
const id = pattern(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -, up to 63');
const https = z.url().check(
  // z.url() has said so already when it does not parse.
  z.refine((u) => !URL.canParse(u) || httpsOrLoopback(new URL(u)), 'an https URL (http on loopback only)'),
);
const secretHash = pattern(/^[\w-]{43}$/, 'a SHA-256 in base64url (43 characters)');
const words = z.string().check(z.minLength(1), z.maxLength(200));
const bilingual = z.strictObject({ 'zh-CN': words, en: words });
const appId = pattern(/^[\w.-]{1,64}$/, 'an app id');
const isoTime = pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'a UTC time, ISO 8601');
const paragraph = z.string().check(z.minLength(1), z.maxLength(2000));
export const windDown = z.strictObject({
  announcedAt: isoTime,
  /** When collecting stops (`stop` may come earlier). */
  stopsAt: isoTime,
  /** When what we hold is erased, after stopping. */
  erasesAt: isoTime,
  announcement: z.strictObject({ 'zh-CN': paragraph, en: paragraph }),
  /** Set by `stop`: from here every collecting route answers 503 `service_stopped`. */
  stoppedAt: z.optional(isoTime),
});
export type WindDown = z.infer<typeof windDown>;
const rotation = <T extends z.ZodMiniType>(item: T) =>
  z.array(item).check(z.maxLength(2, 'two during a rotation, one otherwise'));
const domain = z.strictObject({
  name: pattern(DOMAIN_NAME, 'a lower-case domain name'),
  certificateArn: pattern(CHINA_CERTIFICATE_ARN, 'an ACM certificate ARN in a China region'),
});

const hospital = z.strictObject({
  id,
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  cardLimit: z.int().check(z.minimum(1), z.maximum(50)),
  verifyRelatives: z.boolean(),
  his: z.strictObject({
    kind: z.enum(['fhir', 'signed_json']),
    endpoint: https,
    clientId: z.string().check(z.minLength(1), z.maxLength(128)),
  }),
  webhookUrl: z.optional(https),
  requiredAssurance: z.optional(z.enum(['two_element', 'real_person'])),
  livenessProvider: z.optional(z.enum(livenessProviderNames)),
  cardNumberSystem: z.optional(pattern(/^urn:oid:[0-2](\.(0|[1-9]\d*))+$/, 'urn:oid: and the dotted OID')),
});

const hospitalClient = z.strictObject({
  clientId: id,
  hospitalId: id,
  scopes: z.array(z.enum(['patients:read', 'events:read', 'identity:attest'])).check(z.minLength(1)),
  secretHashes: rotation(secretHash),
  jwks: z.optional(
    z.strictObject({
      keys: z
        .array(z.looseObject({ kid: z.string().check(z.minLength(1)), kty: z.string() }))
        .check(z.minLength(1), z.maxLength(2)),
    }),
  ),
  disabled: z.boolean(),
});

const oidcClient = z.strictObject({
  clientId: id,
  name: bilingual,
  processor: bilingual,
  redirectUris: z.array(https).check(z.minLength(1)),
  postLogoutRedirectUris: z.array(https),
  secretHashes: rotation(secretHash),
  scopes: z.array(z.enum(oidcScopes)).check(z.minLength(1)),
  subjectType: z.enum(['pairwise', 'public']),
  sector: z.optional(z.string().check(z.minLength(1), z.maxLength(253))),
  disabled: z.boolean(),
});

const appIds = z.partialRecord(z.enum(oauthClients), appId);
const miniProgram = z.strictObject({ appId, hospitalId: z.optional(id) });

export const deploymentSchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    name: id,
    /** The stage whose rules this deployment runs under. */
    stage: z.enum(['local', 'dev', 'prod']),
    /** The `iss` of the app's own tokens. */
    tokenIssuer: https,
    domains: z.optional(z.strictObject({ api: z.optional(domain), hospital: z.optional(domain) })),
    hospitals: z.array(hospital),
    hospitalClients: z.array(hospitalClient),
    oidc: z.strictObject({
      issuer: https,
      /** The web client's consent page; a path (`/oidc/consent`) on a stage whose issuer is the local origin. */
      consentPage: z.union([
        https,
        pattern(/^\/[\w/.-]*$/, 'an https URL, or a path under the local origin'),
      ]),
      clients: z.array(oidcClient),
    }),
    oauth: z.strictObject({
      redirectUris: z.array(https),
      appIds: z.strictObject(
        Object.fromEntries(oauthProviderNames.map((p) => [p, appIds])) as Record<
          OAuthProviderName,
          typeof appIds
        >,
      ),
    }),
    miniPrograms: z.strictObject({ wechat: z.array(miniProgram), alipay: z.array(miniProgram) }),
    liveness: z.strictObject({ redirectUris: z.array(https) }),
    /**
     * The service is ending (the privacy policy's promise: stop collecting at once, delete what
     * we hold, tell every user): set by `npm run wind-down`, never by hand.
     */
    windDown: z.optional(windDown),
  })
  .check(
    z.superRefine((d, ctx) => {
      const problem = (path: (string | number)[], message: string) =>
        ctx.issues.push({ code: 'custom', path, message, input: d });
      const unique = (path: string[], ids: readonly string[]) => {
        ids.forEach((value, n) => {
          if (ids.indexOf(value) !== n) problem([...path, n], `${value} is listed twice`);
        });
      };
      const hospitalIds = d.hospitals.map((h) => h.id);
      unique(['hospitals'], hospitalIds);
      unique(
        ['hospitalClients'],
        d.hospitalClients.map((c) => c.clientId),
      );
      unique(
        ['oidc', 'clients'],
        d.oidc.clients.map((c) => c.clientId),
      );
      const known = (path: (string | number)[], hospitalId: string | undefined) => {
        if (hospitalId !== undefined && !hospitalIds.includes(hospitalId))
          problem(path, `no hospital ${hospitalId} in hospitals`);
      };
      d.hospitalClients.forEach((c, n) => {
        known(['hospitalClients', n, 'hospitalId'], c.hospitalId);
        if (c.secretHashes.length === 0 && !c.jwks)
          problem(['hospitalClients', n, 'secretHashes'], 'a client needs a secret hash or jwks');
      });
      for (const platform of ['wechat', 'alipay'] as const)
        d.miniPrograms[platform].forEach((m, n) => {
          known(['miniPrograms', platform, n, 'hospitalId'], m.hospitalId);
        });
    }),
  );

// The schema is the config's shape: a field added to one and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const hospitalShape: Same<z.infer<typeof hospital>, HospitalConfig> = true;
void hospitalShape;

export type Deployment = z.infer<typeof deploymentSchema>;

export class DeploymentError extends Error {
  override readonly name = 'DeploymentError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid deployment:\n  ${problems.join('\n  ')}`);
  }
}

/** Parses a deployment's JSON text; every problem names its field (`hospitals[1].his.endpoint`). */
export function parseDeployment(text: string, source: string): Deployment {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeploymentError(source, [`not JSON: ${(error as Error).message}`]);
  }
  return checkDeployment(json, source);
}

export function checkDeployment(value: unknown, source: string): Deployment {
  const result = z.safeParse(deploymentSchema, value, {
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : issue.code === 'invalid_type'
          ? `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`
          : issue.code === 'invalid_value'
            ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
            : issue.code === 'unrecognized_keys'
              ? `unknown field(s) ${issue.keys.join(', ')}`
              : undefined,
  });
  if (result.success) return result.data;
  throw new DeploymentError(
    source,
    result.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`),
  );
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, n) => (typeof part === 'number' ? `[${part}]` : n === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

/** The stage's rules with the deployment's site settings in place of the stage's own. */
export function withDeployment(config: StageConfig, d: Deployment): StageConfig {
  const providers = Object.fromEntries(
    oauthProviderNames.map((p) => [
      p,
      { ...config.oauth.providers[p], appIds: d.oauth.appIds[p] as Partial<Record<OAuthClient, string>> },
    ]),
  ) as StageConfig['oauth']['providers'];
  return {
    ...config,
    hospitals: d.hospitals,
    hospitalApi: { ...config.hospitalApi, clients: d.hospitalClients },
    oidc: { ...config.oidc, issuer: d.oidc.issuer, consentPage: d.oidc.consentPage, clients: d.oidc.clients },
    auth: { ...config.auth, tokens: { ...config.auth.tokens, issuer: d.tokenIssuer } },
    oauth: {
      ...config.oauth,
      redirectUris: d.oauth.redirectUris,
      providers,
      miniPrograms: {
        ...config.oauth.miniPrograms,
        wechat: d.miniPrograms.wechat,
        alipay: d.miniPrograms.alipay,
      },
    },
    identity: {
      ...config.identity,
      liveness: { ...config.identity.liveness, redirectUris: d.liveness.redirectUris },
    },
    windDown: d.windDown,
  };
}

/** SHA-256 of the canonical JSON (RFC 8785): the same deployment has the same digest anywhere. */
export function deploymentDigest(d: Deployment): string {
  const { $schema: _editorHint, ...content } = d;
  return createHash('sha256')
    .update(canonicalize(content) ?? '')
    .digest('base64url');
}

/**
 * What changed, by id and never by value (no secret hash, endpoint or app id in the audit): the
 * hospitals and clients added, removed and changed, and whose secrets or keys were rotated.
 */
export function deploymentChanges(before: Deployment | undefined, after: Deployment): Record<string, string> {
  const changes: Record<string, string> = {};
  const compare = <T>(name: string, of: (d: Deployment) => readonly T[], key: (t: T) => string) => {
    const old = new Map((before ? of(before) : []).map((t) => [key(t), t]));
    const next = new Map(of(after).map((t) => [key(t), t]));
    const added = [...next.keys()].filter((k) => !old.has(k));
    const removed = [...old.keys()].filter((k) => !next.has(k));
    const changed = [...next.keys()].filter(
      (k) => old.has(k) && canonicalize(old.get(k)) !== canonicalize(next.get(k)),
    );
    if (added.length) changes[`${name}Added`] = added.join(',');
    if (removed.length) changes[`${name}Removed`] = removed.join(',');
    if (changed.length) changes[`${name}Changed`] = changed.join(',');
    return { old, next, changed };
  };
  compare(
    'hospitals',
    (d) => d.hospitals,
    (h) => h.id,
  );
  const rotated = (list: { old: Map<string, unknown>; next: Map<string, unknown>; changed: string[] }) =>
    list.changed.filter((k) => {
      const a = list.old.get(k) as { secretHashes: unknown; jwks?: unknown };
      const b = list.next.get(k) as { secretHashes: unknown; jwks?: unknown };
      return canonicalize([a.secretHashes, a.jwks]) !== canonicalize([b.secretHashes, b.jwks]);
    });
  const hospitalClients = compare(
    'hospitalClients',
    (d) => d.hospitalClients,
    (c) => c.clientId,
  );
  const oidcClients = compare(
    'oidcClients',
    (d) => d.oidc.clients,
    (c) => c.clientId,
  );
  const secrets = [...rotated(hospitalClients), ...rotated(oidcClients)];
  if (secrets.length) changes.credentialsRotated = secrets.join(',');
  const rest = (d: Deployment) =>
    canonicalize({
      ...d,
      $schema: undefined,
      hospitals: [],
      hospitalClients: [],
      oidc: { ...d.oidc, clients: [] },
    });
  const phase = (d: Deployment | undefined) =>
    d?.windDown ? (d.windDown.stoppedAt ? 'stopped' : 'announced') : 'running';
  if (phase(before) !== phase(after)) changes.windDown = phase(after);
  if (before && rest({ ...before, windDown: undefined }) !== rest({ ...after, windDown: undefined }))
    changes.settingsChanged = 'true';
  return changes;
}
