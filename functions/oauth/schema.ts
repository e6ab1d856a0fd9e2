import { z } from 'zod';

export const providerParams = z.strictObject({ provider: z.enum(['wechat', 'qq', 'weibo']) });

const nonce = z
  .string()
  .regex(/^[\w-]{16,128}$/)
  .meta({ description: 'Client-generated, kept by the client, echoed at the callback' });

export const authorizeQuery = z.strictObject({
  redirectUri: z.url().max(512),
  client: z.enum(['web', 'wechat_browser']).default('web'),
  nonce,
});

export const authorizeResponse = z
  .object({ authorizeUrl: z.string(), state: z.string() })
  .meta({ id: 'OAuthAuthorize' });

const providerCode = z.string().min(1).max(512);
const state = z.string().regex(/^[A-Za-z0-9]{16,128}$/);

export const callbackBody = z
  .strictObject({ code: providerCode, state, nonce })
  .meta({ id: 'OAuthCallbackRequest' });
export const appBody = z.strictObject({ code: providerCode }).meta({ id: 'OAuthAppRequest' });

export const bindPhoneBody = z
  .strictObject({
    bindToken: z.string().min(20).max(128),
    challengeId: z.string().regex(/^[\w-]{22}$/),
    phone: z.string().min(11).max(24),
    code: z.string().regex(/^\d{6}$/),
    acceptPolicyVersion: z.string().min(1).max(32).optional(),
  })
  .meta({ id: 'BindPhoneRequest' });

const tokenFields = {
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: z.object({
    id: z.string(),
    isNew: z.boolean(),
    phoneMasked: z.string(),
    realNameVerified: z.boolean(),
  }),
};

export const oauthOutcomeResponse = z
  .union([z.object(tokenFields), z.object({ next: z.literal('bind_phone'), bindToken: z.string() })])
  .meta({ id: 'OAuthOutcome' });

export const identitiesResponse = z
  .object({
    identities: z.array(
      z.object({ provider: z.string(), linkedAt: z.iso.datetime(), nickname: z.string().nullable() }),
    ),
  })
  .meta({ id: 'LinkedIdentities' });

export const linkBody = z
  .strictObject({
    code: providerCode,
    state,
    nonce,
    challengeId: z.string().regex(/^[\w-]{22}$/),
    phone: z.string().min(11).max(24),
    otp: z.string().regex(/^\d{6}$/),
  })
  .meta({ id: 'LinkIdentityRequest' });

export const linkedResponse = z
  .object({ provider: z.string(), linkedAt: z.iso.datetime(), nickname: z.string().nullable() })
  .meta({ id: 'LinkedIdentity' });
