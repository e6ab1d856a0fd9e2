import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * An account's lists come a page at a time by cursor: following `next` gives every item once, in
 * order, and a cursor the server did not write is refused, never read as something else.
 */
const local = runtimePerFile('pagination');
const { call, login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);
const POLICY = '2026-11-01';

async function everyPage(path: string, key: string, token: string, limit: number) {
  const seen: unknown[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await call(`${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(page.status, page.text).toBe(200);
    expect(page.body[key].length).toBeLessThanOrEqual(limit);
    seen.push(...page.body[key]);
    cursor = page.body.next;
    pages++;
  } while (cursor);
  return { seen, pages };
}

describe('cursor pagination of an account’s own lists', () => {
  it('pages the consent history and the sessions: every item once, in order', async () => {
    const phone = '13900008001';
    const { accessToken } = await login(phone);
    for (const accepted of [true, false, true, false, true]) {
      const given = await call('/v1/me/consents', {
        token: accessToken,
        body: { purpose: 'location', policyVersion: POLICY, accepted },
      });
      expect(given.status).toBe(201);
    }
    const whole = await call('/v1/me/consents?limit=100', { token: accessToken });
    expect(whole.body.next).toBeNull();
    const paged = await everyPage('/v1/me/consents', 'consents', accessToken, 2);
    expect(paged.seen).toEqual(whole.body.consents);
    expect(paged.pages).toBe(Math.ceil(whole.body.consents.length / 2));
    const times = (paged.seen as Array<{ at: string }>).map((c) => c.at);
    expect(times).toEqual([...times].sort());

    const sessions = await everyPage('/v1/me/sessions', 'sessions', accessToken, 1);
    expect(sessions.seen.length).toBe(1);
  });

  it('refuses a cursor it did not write, and a limit out of range, as a typed 400', async () => {
    const { accessToken } = await login('13900008002');
    for (const query of [
      'cursor=AAAA',
      'cursor=bm90LW91cnM',
      'cursor=%00',
      'limit=0',
      'limit=101',
      'limit=two',
    ]) {
      const answer = await call(`/v1/me/cards?${query}`, { token: accessToken });
      expect(answer.status, query).toBe(400);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body.code).toBe('invalid_request');
    }
    const forged = await call('/v1/me/cards?cursor=bm90LW91cnM', { token: accessToken });
    expect(forged.body.errors).toEqual([{ path: 'query.cursor', issue: 'invalid_cursor' }]);
  });
});
