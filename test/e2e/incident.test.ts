import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxMessages } from '../../bin/local/outbox';
import { syntheticPerson } from '../../bin/local/standins/identity';
import { storedEntries } from '../../functions/audit';
import { SealedTable } from '../../functions/store/sealed-table';
import { apiClient } from '../helpers/api-client';
import { localDynamo, rawTableText } from '../helpers/dynamo';
import { runtimePerFile } from '../helpers/local-runtime';
import { operatorCli } from '../helpers/operator-cli';

/**
 * The incident drill (PIPL art. 57; 国家网络安全事件报告管理办法): a hospital client's
 * credentials leak and it reads two patients it had no business reading; a third patient, read
 * only by another hospital, is not involved. `npm run incident` runs against the running API as an
 * operator runs it: open, scope from the audit trail, notify (inbox now, SMS within the minute),
 * report with its 4-hour clock, close; every step in the audit trail, nothing personal on screen.
 */
const local = runtimePerFile('incident', { jobs: { deletionsMs: 0, retentionMs: 0, noticesMs: 0 } });
// biome-ignore lint/suspicious/noExplicitAny: bundles and notices of many shapes, asserted field by field
type Body = Record<string, any>;
const { call, login, verifyAs } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);

/** A verified account with a card for its owner at a hospital: what the HIS knows of them. */
async function patient(phone: string, n: number, hospitalId: string) {
  const token = (await login(phone)).accessToken;
  const person = syntheticPerson(n);
  await verifyAs(token, person);
  const created = await call('/v1/me/cards', {
    body: { hospitalId, relationship: '01', ...person, idType: '01', phone, insuranceType: '02' },
    token,
    headers: { 'idempotency-key': `incident-${phone}` },
  });
  expect(created.status).toBe(201);
  const card = (await call(`/v1/me/cards/${created.body.card.id}`, { token })).body.card;
  return { phone, token, person, hisPatientId: card.hisPatientId as string };
}

async function hospitalToken(clientId: string, secret: string) {
  const granted = await call('/v1/hospital/oauth/token', {
    rawBody: 'grant_type=client_credentials',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
  });
  return granted.body.access_token as string;
}

/** `npm run incident -- <args>` as an operator runs it against this runtime, with its refusals. */
const incidentCli = (...args: string[]) =>
  operatorCli('incident', args, local.runtime.operatorEnv, {
    INCIDENT_DIR: join(local.dataDir, 'incidents'),
  });

/** The same, where the step has to succeed: what it printed. */
async function incident(...args: string[]) {
  const out = await incidentCli(...args);
  if (out.code !== 0)
    throw new Error(`incident ${args.join(' ')}: exit ${out.code}\n${out.stdout}${out.stderr}`);
  return out.stdout;
}

const brief = {
  organisation: '示例医院互联网医院有限公司',
  grade: 'relatively_major',
  type: { zh: '未授权访问（凭据泄露）', en: 'Unauthorised access (leaked credentials)' },
  happened: {
    zh: '一家合作医院系统的接口凭据被他人获取，并被用于读取部分就诊人信息。',
    en: "A partner hospital system's API credentials were obtained by someone else and used to read some patients' details.",
  },
  harm: {
    zh: '您的信息可能被用于冒充医院的诈骗电话或短信。',
    en: 'Your details could be used in scam calls or texts pretending to be the hospital.',
  },
  measures: {
    zh: '我们已停用该凭据并更换密钥，阻断了该访问途径。',
    en: 'We disabled the credentials and rotated the keys, closing that way in.',
  },
  advice: {
    zh: '如接到可疑来电，请挂断后拨打医院官方电话核实。',
    en: 'If you get a suspicious call, hang up and call the hospital on its official number.',
  },
  contact: {
    zh: '隐私保护专线 400-000-0000（工作日 9:00–18:00）',
    en: 'Privacy line 400-000-0000 (weekdays 9:00–18:00)',
  },
};

describe('npm run incident, the local drill', () => {
  it('scopes a leak through one hospital client, tells exactly those people by inbox and SMS, drafts the report on its clock, and audits each step', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const a = await patient('13600007001', 7001, 'h-pumch');
    const b = await patient('13600007002', 7002, 'h-pumch');
    const c = await patient('13600007003', 7003, 'h-renji');
    // The leak: pumch-his's credentials read A and B; renji-his reads C in the ordinary way.
    const leaked = await hospitalToken('pumch-his', 'local-pumch-his-secret');
    for (const p of [a, b])
      expect((await call(`/v1/hospital/patients/${p.hisPatientId}`, { token: leaked })).status).toBe(200);
    const renji = await hospitalToken('renji-his', 'local-renji-his-secret');
    expect((await call(`/v1/hospital/patients/${c.hisPatientId}`, { token: renji })).status).toBe(200);

    const file = join(mkdtempSync(join(tmpdir(), 'po-incident-')), 'brief.json');
    writeFileSync(file, JSON.stringify(brief));
    const openedAt = Date.now();
    const opened = await incident('open', '--file', file);
    const id = /opened (INC-\d{8}-\S{8})/.exec(opened)?.[1] as string;
    expect(id).toBeDefined();
    expect(opened).toMatch(/report: due .* \(2[34]\d min left, running\)/);

    const scoped = await incident(
      'scope',
      id,
      '--client',
      'pumch-his',
      '--from',
      since,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
    );
    expect(scoped).toContain('2 people affected');
    expect(scoped).toMatch(/id_number\s+2/);
    expect(scoped).toMatch(/phone\s+2/);
    expect(scoped).toContain('2 from this cause, 0 with a MAC that does not verify');
    expect(scoped).toMatch(/audit chain: intact/);

    const notified = await incident('notify', id);
    expect(notified).toContain('2 notices in the inbox (2 new)');
    // Again (a restart mid-run): nobody is told twice.
    expect(await incident('notify', id)).toContain('2 notices in the inbox (0 new)');
    // The scope is fixed once people were told.
    expect(
      (
        await incidentCli(
          'scope',
          id,
          '--client',
          'renji-his',
          '--from',
          since,
          '--to',
          new Date().toISOString(),
        )
      ).stdout,
    ).toContain('refused: notices have gone out');

    // The privacy jobs' minute sends each notified person one SMS.
    await local.runtime.runJob('notices');
    await local.runtime.runJob('notices');
    const texts = (p: { phone: string }) =>
      outboxMessages(local.dataDir, `+86${p.phone}`)
        .filter((m) => m.notice === 'incident')
        .map((m) => m.text);
    expect(texts(a)).toHaveLength(1);
    expect(texts(a)[0]).toContain('安全事件');
    expect(texts(b)).toHaveLength(1);
    expect(texts(c)).toEqual([]);
    const sentAt = Date.now();
    process.stdout.write(`incident drill: open to sent notice ${sentAt - openedAt} ms\n`);

    // Each person's inbox holds their notice, with their kinds of information; C's holds none.
    const inbox = await call('/v1/me/notices', { token: a.token });
    expect(inbox.status).toBe(200);
    expect(inbox.body.notices).toHaveLength(1);
    const notice = inbox.body.notices[0];
    expect(notice.noticeId).toBe(id);
    expect(notice.kinds).toEqual(expect.arrayContaining(['name', 'id_number', 'phone']));
    expect(notice.text['zh-CN'].sections.map((s: Body) => s.heading)).toEqual([
      '涉及您的信息',
      '发生了什么',
      '可能的影响',
      '我们已采取的措施',
      '您可以做什么',
      '联系我们',
    ]);
    expect(notice.text.en.sections[5].text).toBe(brief.contact.en);
    expect((await call('/v1/me/notices', { token: c.token })).body.notices).toEqual([]);
    // A stranger reads nobody's notices.
    expect((await call('/v1/me/notices')).status).toBe(401);

    const drafted = await incident('report', id);
    expect(drafted).toContain('属地省级网信部门（4 小时内）');
    const report = readFileSync(join(local.dataDir, 'incidents', id, 'report.md'), 'utf8');
    expect(report).toContain('影响：2 人');
    expect(report).toContain('审计记录所示途径：client pumch-his');
    expect(report).toContain('已告知个人 2 人（站内通知），短信送达 2 人');
    const announcement = readFileSync(join(local.dataDir, 'incidents', id, 'announcement.zh-CN.md'), 'utf8');
    expect(announcement).toContain('本次事件可能涉及 2 人的个人信息');
    expect(await incident('report', id, '--submitted', '12387')).toContain('submitted via 12387');
    expect(await incident('status')).toMatch(
      new RegExp(`${id}.*people 2.*notices 2.*sms 2/0.*report: submitted`),
    );
    expect(await incident('close', id)).toContain(`${id} closed`);
    expect(await incident('status')).toContain('0 open incident(s)');

    // Every step is in the audit trail; the people told have it in theirs.
    const table = new SealedTable({
      client: localDynamo(),
      tableName: local.runtime.operatorEnv.TABLE_NAME as string,
    });
    const day = new Date().toISOString().slice(0, 10);
    const events = (await storedEntries(table, day))
      .map((e) => String(e.event))
      .filter((e) => e.startsWith('incident.'));
    for (const step of [
      'opened',
      'scoped',
      'notice',
      'notified',
      'sms',
      'sms_done',
      'report_drafted',
      'report_submitted',
      'closed',
    ])
      expect(events, step).toContain(`incident.${step}`);
    expect(events.filter((e) => e === 'incident.notice')).toHaveLength(2);
    const exported = await call('/v1/me/export', { token: b.token });
    expect(JSON.stringify(exported.body)).toContain('incident.notice');

    // Nothing personal on the operator's screen or in the table in plain.
    const everything = [
      opened,
      scoped,
      notified,
      drafted,
      report,
      announcement,
      await rawTableText(localDynamo(), table.tableName),
    ].join('\n');
    for (const p of [a, b, c]) {
      expect(everything).not.toContain(p.phone);
      expect(everything).not.toContain(p.person.idNumber);
      expect(everything).not.toContain(p.person.name);
    }
  }, 120_000);

  it('writes the compliance audit evidence for the day from the same trail, with a MAC that shows an edit', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const out = mkdtempSync(join(tmpdir(), 'po-evidence-'));
    const evidence = (...args: string[]) =>
      operatorCli('compliance-evidence', args, local.runtime.operatorEnv);
    const made = await evidence('--from', today, '--to', today, '--out', out);
    expect(made.stdout).toMatch(/chain: intact/);
    const bundle = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8'));
    const reads = Object.fromEntries(bundle.access.hospitalReads.map((r: Body) => [r.client, r.people]));
    expect(reads).toMatchObject({ 'pumch-his': 2, 'renji-his': 1 });
    expect(bundle.consents).toEqual(
      expect.arrayContaining([
        { purpose: 'sensitive_identity', version: '2026-11-01', accepted: 3, withdrawn: 0 },
      ]),
    );
    const drill = bundle.incidents.find((i: Body) => i.grade === 'relatively_major');
    expect(drill).toMatchObject({ people: 2, noticesSent: 2, smsSent: 2 });
    expect(drill.reportSubmittedMinutesAfterDiscovery).toBeLessThan(240);
    expect(bundle.processors.map((p: Body) => p.id)).toContain('his');
    expect(
      bundle.access.operators.some((o: Body) => String(o.action).startsWith('incident.notified by ')),
    ).toBe(true);
    expect(readFileSync(join(out, 'evidence.md'), 'utf8')).toContain('| pumch-his | 2 | 2 |');
    expect((await evidence('--verify', join(out, 'evidence.json'))).stdout).toContain('MAC verifies');
    // One number changed after the fact: the MAC says so.
    writeFileSync(
      join(out, 'evidence.json'),
      JSON.stringify({ ...bundle, access: { ...bundle.access, hospitalReads: [] } }),
    );
    const edited = await evidence('--verify', join(out, 'evidence.json'));
    expect(edited).toMatchObject({ code: 1, stdout: expect.stringContaining('does not verify') });
    expect(JSON.stringify(bundle)).not.toMatch(/1360000700[123]/);
  }, 60_000);

  it('refuses a brief that does not hold, a cause it cannot search, and steps on a closed incident', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'po-incident-')), 'brief.json');
    writeFileSync(file, JSON.stringify({ ...brief, grade: 'serious' }));
    const refused = await incidentCli('open', '--file', file);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stdout).toContain('refused: the brief does not hold: grade');
    writeFileSync(file, JSON.stringify({ ...brief, grade: 'general' }));
    const opened = await incident('open', '--file', file);
    expect(opened).toContain('report: not required');
    const id = /opened (INC-\S+) /.exec(opened)?.[1] as string;
    const twoCauses = await incidentCli(
      'scope',
      id,
      '--client',
      'a',
      '--hospital',
      'b',
      '--from',
      '2026-01-01T00:00:00Z',
      '--to',
      '2026-01-02T00:00:00Z',
    );
    expect(twoCauses.stdout).toContain('refused: name one cause');
    expect((await incidentCli('notify', id)).stdout).toContain(
      'refused: scope the incident before notifying',
    );
    await incident('close', id);
    expect((await incidentCli('notify', id)).stdout).toContain('is closed');
  }, 60_000);
});
