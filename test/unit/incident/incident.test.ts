import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type IncidentBrief,
  type IncidentFacts,
  kindsOf,
  noticeText,
  REPORT_WITHIN_MS,
  reportClock,
  reportDraft,
  type StoredEntry,
  scopeIncident,
} from '../../../functions/incident/incident';

const bi = (zh: string, en: string) => ({ zh, en });
const brief: IncidentBrief = {
  organisation: '示例医院',
  grade: 'relatively_major',
  type: bi('数据泄露', 'data leak'),
  happened: bi('凭据泄露', 'credentials leaked'),
  harm: bi('诈骗风险', 'fraud risk'),
  measures: bi('已停用凭据', 'credentials disabled'),
  advice: bi('警惕来电。', 'Beware of calls.'),
  contact: bi('400-000-0000', '400-000-0000'),
};
const T0 = Date.parse('2026-12-03T08:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const read = (userId: string, clientId: string, ms: number, fields = 'name,idNumber,phone'): StoredEntry => ({
  event: 'hospital.read',
  userId,
  at: at(ms),
  detail: { clientId, hospitalId: 'h1', cardId: 'c', fields, purpose: 'registration' },
});
const window = { from: T0, to: T0 + 3600_000 };

describe('incident scoping from the audit trail', () => {
  it('names the people the cause reached in the window, with the kinds each entry shows', () => {
    const entries = [
      read('u1', 'leaky', 1000),
      read('u1', 'leaky', 2000, 'Patient,RelatedPerson,Coverage'),
      read('u2', 'leaky', 3000, 'name'),
      read('u3', 'other', 4000),
      read('u4', 'leaky', -1), // before the window
      read('u5', 'leaky', 3600_000), // the window's end is open
      {
        event: 'oidc.code_issued',
        userId: 'u6',
        at: at(5000),
        detail: { clientId: 'leaky', scopes: 'openid phone' },
      },
    ];
    const scope = scopeIncident(entries, { kind: 'client', clientId: 'leaky' }, window, () => true);
    expect(scope.affected.map((a) => [a.userId, a.kinds, a.entries])).toEqual([
      [
        'u1',
        [
          'account_id',
          'phone',
          'name',
          'id_number',
          'sex',
          'birth_date',
          'insurance',
          'relationship',
          'card',
        ],
        2,
      ],
      ['u2', ['account_id', 'name'], 1],
      ['u6', ['account_id', 'phone'], 1],
    ]);
    expect(scope.byKind).toMatchObject({ account_id: 3, name: 2, phone: 2, id_number: 1 });
    expect(scope).toMatchObject({ entriesRead: 5, entriesMatched: 4, entriesUntrusted: 0 });
  });

  it('does not believe an entry whose MAC fails, and counts it', () => {
    const forged = read('victim', 'leaky', 10);
    const scope = scopeIncident(
      [forged, read('u1', 'leaky', 20)],
      { kind: 'client', clientId: 'leaky' },
      window,
      (e) => e !== forged,
    );
    expect(scope.affected.map((a) => a.userId)).toEqual(['u1']);
    expect(scope.entriesUntrusted).toBe(1);
  });

  it('finds by hospital and by audited action too', () => {
    const entries = [read('u1', 'a', 1), { event: 'privacy.export', userId: 'u2', at: at(2) }];
    expect(
      scopeIncident(entries, { kind: 'hospital', hospitalId: 'h1' }, window, () => true).affected.map(
        (a) => a.userId,
      ),
    ).toEqual(['u1']);
    const exports = scopeIncident(entries, { kind: 'event', event: 'privacy.export' }, window, () => true);
    expect(exports.affected[0]?.kinds).toContain('face_outcome');
  });

  it('holds for any trail: everyone named has a trusted matching entry in the window, and nobody else', () => {
    const entry = fc.record({
      userId: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
      clientId: fc.constantFrom('leaky', 'other'),
      ms: fc.integer({ min: -7200_000, max: 7200_000 }),
      forged: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (list) => {
        const entries = list.map((e) => ({ ...read(e.userId, e.clientId, e.ms), forged: e.forged }));
        const scope = scopeIncident(
          entries,
          { kind: 'client', clientId: 'leaky' },
          window,
          (e) => !(e as { forged: boolean }).forged,
        );
        const expected = new Set(
          list
            .filter((e) => e.clientId === 'leaky' && !e.forged && e.ms >= 0 && e.ms < 3600_000)
            .map((e) => e.userId),
        );
        expect(new Set(scope.affected.map((a) => a.userId))).toEqual(expected);
      }),
    );
  });

  it('reads the kinds of entries that name no fields from their event', () => {
    expect(kindsOf({ event: 'identity.verification' })).toEqual(['account_id', 'name', 'id_number']);
    expect(kindsOf({ event: 'something.else' })).toEqual(['account_id']);
  });
});

describe('what people are told', () => {
  it("gives PIPL art. 57's items in order, with advice for the kinds involved", () => {
    const zh = noticeText(brief, ['phone', 'id_number'], 'zh');
    expect(zh.sections.map((s) => s.heading)).toEqual([
      '涉及您的信息',
      '发生了什么',
      '可能的影响',
      '我们已采取的措施',
      '您可以做什么',
      '联系我们',
    ]);
    expect(zh.sections[0]?.text).toBe('手机号、身份证件号码');
    expect(zh.sections[4]?.text).toContain('不要告诉任何人验证码');
    expect(zh.sections[4]?.text).toContain('公安机关');
    const en = noticeText({ ...brief, suspectedCause: bi('原因', 'a leaked key') }, ['name'], 'en');
    expect(en.sections.map((s) => s.heading)).toContain('Why');
    expect(en.sections.at(-1)?.text).toBe('400-000-0000');
  });
});

describe('the report and its 4-hour clock', () => {
  const facts: IncidentFacts = { incidentId: 'INC-1', brief, openedAt: T0 + 600_000, discoveredAt: T0 };
  it('runs from discovery, warns in the last hour, and stops when the report is submitted', () => {
    expect(reportClock(facts, T0).state).toBe('running');
    expect(reportClock(facts, T0 + REPORT_WITHIN_MS - 3600_000).state).toBe('due_soon');
    expect(reportClock(facts, T0 + REPORT_WITHIN_MS).state).toBe('overdue');
    expect(reportClock({ ...facts, reportSubmittedAt: T0 + 1 }, T0 + REPORT_WITHIN_MS).state).toBe(
      'submitted',
    );
    expect(
      reportClock({ ...facts, brief: { ...brief, grade: 'general' } }, T0 + REPORT_WITHIN_MS).state,
    ).toBe('not_required');
    expect(reportClock(facts, T0 + 60_000).minutesLeft).toBe(239);
  });

  it('drafts the eight items, marking what is not known yet to follow', () => {
    const first = reportDraft(facts, { operator: '示例医院', description: 'patient-onboarding' }, T0);
    expect(first.items).toHaveLength(8);
    expect(first.items.filter((i) => i.pending).map((i) => i.item.slice(0, 2))).toEqual([
      '二、',
      '四、',
      '五、',
      '六、',
      '七、',
    ]);
    expect(first.recipients[0]).toBe('属地省级网信部门（4 小时内）');
    const scoped = reportDraft(
      {
        ...facts,
        cause: { kind: 'client', clientId: 'leaky' },
        window,
        scope: { people: 2, byKind: { id_number: 2 }, entriesMatched: 3, entriesUntrusted: 0 },
        chainVerdict: 'intact',
        noticesSent: 2,
        smsSent: 2,
        smsUnreachable: 0,
        brief: { ...brief, crimeSuspected: true },
      },
      { operator: '示例医院', description: 'patient-onboarding' },
      T0,
    );
    expect(scoped.items.filter((i) => i.pending).map((i) => i.item.slice(0, 2))).toEqual(['六、']);
    expect(scoped.items[1]?.text).toContain('影响：2 人，信息种类 身份证件号码 2 人');
    expect(scoped.recipients).toContain('公安机关');
  });
});
