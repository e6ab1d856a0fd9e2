import * as z from 'zod/mini';
import { identityProviderNames, oauthProviderNames } from '../core/config';
import {
  id22,
  int32,
  isoTime,
  list,
  masked,
  meta,
  phoneInput,
  policyVersion,
  sixDigits,
  text,
  threeParts,
  url,
} from '../core/schema-parts';

const provider = z.enum(oauthProviderNames);
export const providerParams = z.strictObject({ provider });
/** Any provider a login can be linked through (Alipay: mini-program only). */
export const linkedProviderParams = z.strictObject({ provider: z.enum(identityProviderNames) });
/** A linked login's provider, as answered (more kinds may be linked than can start a web login). */
const providerName = text(32, { pattern: /^[a-z_]+$/ });

const nonce = text(128, { pattern: /^[\w-]{16,128}$/ }).check(
  meta({ description: 'Client-generated, kept by the client, echoed at the callback' }),
);

export const authorizeQuery = z.strictObject({
  redirectUri: url(512),
  client: z._default(z.enum(['web', 'wechat_browser']), 'web'),
  nonce,
});

export const authorizeResponse = z
  .object({ authorizeUrl: url(2048), state: text(128, { pattern: /^[A-Za-z0-9]+$/ }) })
  .check(meta({ id: 'OAuthAuthorize' }));

const providerCode = text(512, { min: 1 });
const state = text(128, { pattern: /^[A-Za-z0-9]{16,128}$/ });

export const callbackBody = z
  .strictObject({ code: providerCode, state, nonce })
  .check(meta({ id: 'OAuthCallbackRequest' }));
export const appBody = z.strictObject({ code: providerCode }).check(meta({ id: 'OAuthAppRequest' }));

export const bindPhoneBody = z
  .strictObject({
    bindToken: text(128, { min: 20 }),
    challengeId: id22(),
    phone: phoneInput(),
    code: sixDigits(),
    acceptPolicyVersion: z.optional(policyVersion()),
  })
  .check(meta({ id: 'BindPhoneRequest' }));

const tokenFields = {
  accessToken: threeParts(4096),
  refreshToken: threeParts(256),
  tokenType: z.literal('Bearer'),
  expiresIn: int32(1, 86_400),
  user: z.object({ id: id22(), isNew: z.boolean(), phoneMasked: masked(), realNameVerified: z.boolean() }),
};

export const oauthOutcomeResponse = z
  .union([
    z.object(tokenFields),
    z.object({ next: z.literal('bind_phone'), bindToken: text(64, { pattern: /^[\w-]{43}$/ }) }),
  ])
  .check(meta({ id: 'OAuthOutcome' }));

const linked = z.object({ provider: providerName, linkedAt: isoTime(), nickname: z.nullable(text(128)) });

export const identitiesResponse = z
  .object({ identities: list(linked, 10) })
  .check(meta({ id: 'LinkedIdentities' }));

export const linkBody = z
  .strictObject({
    code: providerCode,
    state,
    nonce,
    challengeId: id22(),
    phone: phoneInput(),
    otp: sixDigits(),
  })
  .check(meta({ id: 'LinkIdentityRequest' }));

export const linkedResponse = linked.check(meta({ id: 'LinkedIdentity' }));

const appId = text(32, { pattern: /^[A-Za-z0-9]{8,32}$/ }).check(
  meta({ description: 'The mini-program app id (one of the configured apps)' }),
);
const platformCode = text(256, { pattern: /^[\w.-]{1,256}$/ });
const bindToken = text(128, { min: 20 });

export const wechatMiniLoginBody = z
  .strictObject({
    appId,
    code: platformCode.check(meta({ description: 'From wx.login (one use, 5 minutes)' })),
  })
  .check(meta({ id: 'WeChatMiniProgramLoginRequest' }));

export const alipayMiniLoginBody = z
  .strictObject({ appId, authCode: platformCode.check(meta({ description: 'From my.getAuthCode' })) })
  .check(meta({ id: 'AlipayMiniProgramLoginRequest' }));

export const wechatMiniPhoneBody = z
  .strictObject({
    bindToken,
    phoneCode: platformCode.check(
      meta({ description: "The phone-number button's code (one use, 5 minutes)" }),
    ),
    acceptPolicyVersion: z.optional(policyVersion()),
  })
  .check(meta({ id: 'WeChatMiniProgramPhoneRequest' }));

export const alipayMiniPhoneBody = z
  .strictObject({
    bindToken,
    response: text(4096, { min: 2 }).check(
      meta({
        description:
          "my.getPhoneNumber's `response`: the JSON text with the encrypted payload and its signature",
      }),
    ),
    acceptPolicyVersion: z.optional(policyVersion()),
  })
  .check(meta({ id: 'AlipayMiniProgramPhoneRequest' }));
