import { describe, expect, it } from 'vitest';
import { newState } from '../../../functions/oauth/oauth-login';
import { parseJsonOrJsonp } from '../../../functions/providers/oauth/http';
import { OAuthProviderError } from '../../../functions/providers/oauth/ports';
import { cryptoRandom } from '../../helpers/auth-harness';

describe('parseJsonOrJsonp', () => {
  it('reads JSON and QQ-style JSONP, including error bodies', () => {
    expect(parseJsonOrJsonp('qq', '{"openid":"o1"}')).toEqual({ openid: 'o1' });
    expect(parseJsonOrJsonp('qq', 'callback( {"client_id":"1","openid":"o1"} );\n')).toEqual({
      client_id: '1',
      openid: 'o1',
    });
    expect(
      parseJsonOrJsonp(
        'qq',
        'callback( {"error":100019,"error_description":"code to access token error"} );',
      ),
    ).toMatchObject({ error: 100019 });
  });

  it('fails as a provider error, never a crash, on anything else', () => {
    for (const body of ['', '<html>', 'callback(', 'access_token=1', '[1,2]', 'null']) {
      expect(() => parseJsonOrJsonp('qq', body)).toThrow(OAuthProviderError);
    }
  });
});

describe('newState', () => {
  it('is 22 alphanumeric characters and does not repeat', () => {
    const states = new Set(Array.from({ length: 500 }, () => newState({ random: cryptoRandom })));
    expect(states.size).toBe(500);
    for (const state of states) expect(state).toMatch(/^[A-Za-z0-9]{22}$/);
  });
});
