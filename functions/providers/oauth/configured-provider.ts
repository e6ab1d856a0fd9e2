import type { OAuthClient, OAuthProviderConfig, OAuthProviderName } from '../../core/config';
import type { OAuthProfile, OAuthProvider } from './ports';

/** What every provider adapter starts from: its stage config and its app secret per client. */
export abstract class ConfiguredOAuthProvider implements OAuthProvider {
  abstract readonly name: OAuthProviderName;
  protected readonly config: OAuthProviderConfig;
  protected readonly secret: (client: OAuthClient) => string;

  constructor(config: OAuthProviderConfig, secret: (client: OAuthClient) => string) {
    this.config = config;
    this.secret = secret;
  }

  abstract authorizeUrl(input: {
    client: OAuthClient;
    redirectUri: string;
    state: string;
  }): string | undefined;

  abstract exchange(input: {
    client: OAuthClient;
    code: string;
    redirectUri?: string | undefined;
  }): Promise<OAuthProfile>;
}
