import { describe, expect, it } from 'vitest';
import { dispatchByRouteKey, FALLBACK_RESOURCE } from '../../../functions/core/dispatch';
import { apiEvent, testContext } from '../../helpers/events';

const answer = (name: string) => async () => ({ statusCode: 200, body: name });

describe('one function, several routes', () => {
  const withFallback = dispatchByRouteKey({
    'GET /v1/me/cards/{cardId}': answer('get-card'),
    $default: answer('fallback'),
  });
  const withoutFallback = dispatchByRouteKey({ 'GET /v1/me/cards/{cardId}': answer('get-card') });

  it('picks the handler by method and resource template, not by the concrete path', async () => {
    const event = apiEvent({ method: 'GET', path: '/v1/me/cards/abc', resource: '/v1/me/cards/{cardId}' });
    expect((await withFallback(event, testContext)).body).toBe('get-card');
  });

  it("sends the catch-all and a route path's other methods (its ANY) to the fallback", async () => {
    const unknown = apiEvent({
      method: 'GET',
      path: '/nope',
      resource: FALLBACK_RESOURCE,
      params: { proxy: 'nope' },
    });
    expect((await withFallback(unknown, testContext)).body).toBe('fallback');
    const otherMethod = apiEvent({
      method: 'PATCH',
      path: '/v1/me/cards/abc',
      resource: '/v1/me/cards/{cardId}',
    });
    expect((await withFallback(otherMethod, testContext)).body).toBe('fallback');
  });

  it('fails loudly when a function is sent a route it does not serve (a wiring bug)', async () => {
    const otherMethod = apiEvent({
      method: 'PATCH',
      path: '/v1/me/cards/abc',
      resource: '/v1/me/cards/{cardId}',
    });
    await expect(withoutFallback(otherMethod, testContext)).rejects.toThrow(/not served by this function/);
  });
});
