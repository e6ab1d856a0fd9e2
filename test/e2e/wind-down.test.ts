import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client';
import { localDynamo } from '../helpers/dynamo';
import { runtimePerFile } from '../helpers/local-runtime';
import { operatorCli, until } from '../helpers/operator-cli';

/**
 * Wind-down (the privacy policy's promise when the service ends): announced, then stopped; from
 * then every route that collects or changes answers 503 `service_stopped` with the operator's
 * announcement, within the deployment refresh time, while reading, export, sessions and consent
 * withdrawal still work. A site file applied afterwards does not restart it.
 */
const local = runtimePerFile('wind-down');
const { call, login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);
const root = resolve(import.meta.dirname, '..', '..');
const windDown = (...args: string[]) => operatorCli('wind-down', args, local.runtime.operatorEnv);

describe('npm run wind-down', () => {
  it('stops every collecting route with the announcement, and leaves reading, export and withdrawal', async () => {
    const phone = '13600009001';
    const { accessToken: token, refreshToken } = await login(phone);

    expect(await windDown('stop')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('announce first'),
    });
    const file = join(mkdtempSync(join(tmpdir(), 'po-wind-down-')), 'announcement.json');
    const announcement = {
      'zh-CN': '本服务将于 2027 年 1 月 31 日停止运营，届时我们将删除您的个人信息。',
      en: 'This service ends on 31 January 2027, when we delete your personal information.',
    };
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    writeFileSync(file, JSON.stringify({ announcement, stopsAt: soon, erasesAt: soon }));
    expect((await windDown('announce', '--file', file)).stdout).toContain(
      'refused: stopsAt must be from now on, and erasesAt after it',
    );
    writeFileSync(file, JSON.stringify({ announcement, stopsAt: soon, erasesAt: later }));
    expect((await windDown('announce', '--file', file)).stdout).toMatch(
      /announced: .*deployment version \d+/,
    );
    // Announced is not stopped: people can still log in.
    expect(
      (await call('/v1/auth/sms/send', { body: { phone: '13600009002', purpose: 'login' } })).status,
    ).toBe(202);

    expect((await windDown('stop')).stdout).toMatch(/stopped: deployment version \d+/);
    await until(
      async () =>
        (await call('/v1/auth/sms/send', { body: { phone: '13600009003', purpose: 'login' } })).status ===
        503,
      'the stop',
    );
    const refused = await call('/v1/auth/sms/send', { body: { phone: '13600009004', purpose: 'login' } });
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      status: 503,
      code: 'service_stopped',
      announcement: announcement['zh-CN'],
    });
    expect(
      (
        await call('/v1/auth/sms/send', {
          body: { phone: '13600009004', purpose: 'login' },
          headers: { 'accept-language': 'en' },
        })
      ).body,
    ).toMatchObject({
      announcement: announcement.en,
    });
    // A stranger and a signed-in person alike: nothing new is collected.
    const card = await call('/v1/me/cards', {
      token,
      body: {
        hospitalId: 'h-pumch',
        relationship: '01',
        name: '张三',
        idNumber: '110101199003074514',
        idType: '01',
        phone,
        insuranceType: '02',
      },
    });
    expect(card.body.code).toBe('service_stopped');
    expect(
      (
        await call('/v1/me/identity/verify', {
          token,
          body: { name: '张三', idNumber: '110101199003074514', idType: 'resident' },
        })
      ).body.code,
    ).toBe('service_stopped');

    // What stays: reading, the export, keeping the session, withdrawing consent.
    expect((await call('/v1/me', { token })).status).toBe(200);
    expect((await call('/v1/me/export', { token })).status).toBe(200);
    expect((await call('/v1/auth/token/refresh', { body: { refreshToken } })).status).toBe(200);
    const withdrawn = await call('/v1/me/consents', {
      token,
      body: { purpose: 'medical_card', policyVersion: '2026-11-01', accepted: false },
    });
    expect(withdrawn.status).toBeLessThan(300);
    expect((await call('/v1/policies/current')).status).toBe(200);

    // Applying the site file again does not restart the service; the steps are audited.
    const reapplied = await operatorCli(
      'deployment',
      ['apply', join(root, 'deploy', 'local.json')],
      local.runtime.operatorEnv,
    );
    expect(reapplied.stdout).toContain('already this deployment');
    expect((await windDown('status')).stdout).toMatch(/^stopped at /);
    const items = await localDynamo().send(new ScanCommand({ TableName: local.runtime.tableName }));
    const applied = (items.Items ?? [])
      .map((i) => unmarshall(i))
      .filter((i) => i.event === 'deployment.applied');
    expect(applied.map((e) => e.detail?.windDown).filter(Boolean)).toEqual(
      expect.arrayContaining(['announced', 'stopped']),
    );
  }, 90_000);
});
