import { z } from 'zod';
import { id22, int32, isoTime, list, masked, policyVersion, sixDigits, text } from '../core/schema-parts';

const provider = z.enum(['wechat', 'qq', 'weibo']);
export const providerParams = z.strictObject({ provider });
/** A linked login's provider, as answered (more kinds may be linked than can start a web login). */
const providerName = text(32).regex(/^[a-z_]+$/);

const nonce = text(128)
  .regex(/^[\w-]{16,128}$/)
  .meta({ description: 'Client-generated, kept by the client, echoed at the callback' });

export const authorizeQuery = z.strictObject({
  redirectUri: z.url().max(512),
  client: z.enum(['web', 'wechat_browser']).default('web'),
  nonce,
});

export const authorizeResponse = z
  .object({ authorizeUrl: z.url().max(2048), state: text(128).regex(/^[A-Za-z0-9]+$/) })
  .meta({ id: 'OAuthAuthorize' });

const providerCode = z.string().min(1).max(512);
const state = text(128).regex(/^[A-Za-z0-9]{16,128}$/);

export const callbackBody = z
  .strictObject({ code: providerCode, state, nonce })
  .meta({ id: 'OAuthCallbackRequest' });
export const appBody = z.strictObject({ code: providerCode }).meta({ id: 'OAuthAppRequest' });

export const bindPhoneBody = z
  .strictObject({
    bindToken: z.string().min(20).max(128),
    challengeId: id22(),
    phone: z.string().min(11).max(24),
    code: sixDigits(),
    acceptPolicyVersion: policyVersion().optional(),
  })
  .meta({ id: 'BindPhoneRequest' });

const tokenFields = {
  accessToken: text(4096).regex(/^[\w-]+\.[\w-]+\.[\w-]+$/),
  refreshToken: text(256).regex(/^[\w-]+\.[\w-]+\.[\w-]+$/),
  tokenType: z.literal('Bearer'),
  expiresIn: int32(1, 86_400),
  user: z.object({
    id: id22(),
    isNew: z.boolean(),
    phoneMasked: masked(),
    realNameVerified: z.boolean(),
  }),
};

export const oauthOutcomeResponse = z
  .union([
    z.object(tokenFields),
    z.object({ next: z.literal('bind_phone'), bindToken: text(64).regex(/^[\w-]{43}$/) }),
  ])
  .meta({ id: 'OAuthOutcome' });

export const identitiesResponse = z
  .object({
    identities: list(
      z.object({ provider: providerName, linkedAt: isoTime(), nickname: text(128).nullable() }),
      10,
    ),
  })
  .meta({ id: 'LinkedIdentities' });

export const linkBody = z
  .strictObject({
    code: providerCode,
    state,
    nonce,
    challengeId: id22(),
    phone: z.string().min(11).max(24),
    otp: sixDigits(),
  })
  .meta({ id: 'LinkIdentityRequest' });

export const linkedResponse = z
  .object({ provider: providerName, linkedAt: isoTime(), nickname: text(128).nullable() })
  .meta({ id: 'LinkedIdentity' });
