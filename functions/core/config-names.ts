/**
 * The names every list is made of (schemas, secrets, stand-ins, the deployment file's schema):
 * apart from config.ts so the deployment schema can use them without an import cycle.
 */
export const livenessProviderNames = ['tencent', 'aliyun'] as const;
/** What an OpenID Connect client may ask to learn: `openid` (a subject), `profile`, `phone`. */
export const oidcScopes = ['openid', 'profile', 'phone'] as const;
/** The web and app logins: every list that names them (schemas, secrets, stand-ins) is this one. */
export const oauthProviderNames = ['wechat', 'qq', 'weibo'] as const;
export const oauthClients = ['web', 'wechat_browser', 'app'] as const;
