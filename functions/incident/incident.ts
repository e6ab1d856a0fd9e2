import * as z from 'zod/mini';

/**
 * A personal-information security incident, from the operator's first word to its close (PIPL
 * art. 57; 国家网络安全事件报告管理办法, in force 2025-11-01). Pure: what is affected, what each
 * person is told, what the regulator's report holds and when it is due. The audit trail is the
 * record of who read whose data; scoping reads it, never a guess.
 */

/** The 办法's four grades (网络安全事件分级指南). 较大 and above must be reported. */
export const GRADES = ['especially_major', 'major', 'relatively_major', 'general'] as const;
export type Grade = (typeof GRADES)[number];
export const gradeLabels: Readonly<Record<Grade, { zh: string; en: string }>> = {
  especially_major: { zh: '特别重大', en: 'especially major' },
  major: { zh: '重大', en: 'major' },
  relatively_major: { zh: '较大', en: 'relatively major' },
  general: { zh: '一般', en: 'general' },
};
/** An operator that is not critical infrastructure reports 较大 and above to the province within 4 hours (art. 4). */
export const mustReport = (grade: Grade) => grade !== 'general';
export const REPORT_WITHIN_MS = 4 * 3600_000;
/** The alarm sounds this long before the report is due. */
export const REPORT_WARNING_MS = 3600_000;
/** The items a first report may leave out follow within a day; the summary within 30 days of the close. */
export const SUPPLEMENT_WITHIN_MS = 24 * 3600_000;
export const SUMMARY_WITHIN_MS = 30 * 24 * 3600_000;

/** Text the operator writes, in both languages the product speaks. */
const bilingual = z.object({ zh: z.string().check(z.minLength(1)), en: z.string().check(z.minLength(1)) });
export type Bilingual = z.infer<typeof bilingual>;

/** What the operator knows at `open`: the file `npm run incident -- open --file` reads. */
export const incidentBrief = z.object({
  /** The reporting organisation, as registered (the report's first item). */
  organisation: z.string().check(z.minLength(1)),
  grade: z.enum(GRADES),
  /** When it was found (ISO); the 4-hour clock runs from here. Defaults to the time of `open`. */
  discoveredAt: z.optional(z.iso.datetime({ offset: true })),
  /** The kind of incident, in the regulator's words (数据泄露, 未授权访问, …). */
  type: bilingual,
  /** What happened, for the people told and the report (no personal data). */
  happened: bilingual,
  /** The possible harm to the people affected. */
  harm: bilingual,
  /** What we did about it. */
  measures: bilingual,
  /** What people can do to reduce the harm (besides the advice each kind of information adds). */
  advice: bilingual,
  /** Who to contact: a phone line or an address, as it will be printed. */
  contact: bilingual,
  /** The probable cause, as far as known. */
  suspectedCause: z.optional(bilingual),
  /** A crime is suspected: the report also goes to the public security organ (art. 4). */
  crimeSuspected: z.optional(z.boolean()),
});
export type IncidentBrief = z.infer<typeof incidentBrief>;

/** What the incident came through: the audit trail is searched for it. */
export type Cause =
  /** A hospital client or an OpenID client (its reads, its tokens). */
  | { readonly kind: 'client'; readonly clientId: string }
  /** Everything a hospital's clients read or were given. */
  | { readonly kind: 'hospital'; readonly hospitalId: string }
  /** An audited action, the route it comes from (`card.read`, `privacy.export`, …). */
  | { readonly kind: 'event'; readonly event: string };

export function describeCause(cause: Cause): string {
  return cause.kind === 'client'
    ? `client ${cause.clientId}`
    : cause.kind === 'hospital'
      ? `hospital ${cause.hospitalId}`
      : `event ${cause.event}`;
}

/** Kinds of personal information, as people are told them (PIPL art. 57 (1)). */
export const INFORMATION_KINDS = [
  'account_id',
  'phone',
  'name',
  'id_number',
  'sex',
  'birth_date',
  'insurance',
  'relationship',
  'card',
  'face_outcome',
] as const;
export type InformationKind = (typeof INFORMATION_KINDS)[number];
export const kindLabels: Readonly<Record<InformationKind, { zh: string; en: string }>> = {
  account_id: { zh: '账号标识', en: 'account identifier' },
  phone: { zh: '手机号', en: 'phone number' },
  name: { zh: '姓名', en: 'name' },
  id_number: { zh: '身份证件号码', en: 'ID number' },
  sex: { zh: '性别', en: 'sex' },
  birth_date: { zh: '出生日期', en: 'date of birth' },
  insurance: { zh: '医保类型', en: 'insurance type' },
  relationship: { zh: '与就诊人关系', en: 'relationship to the patient' },
  card: { zh: '就诊卡信息', en: 'medical card details' },
  face_outcome: { zh: '人脸核验结果', en: 'face check result' },
};
/** What a person can do about each kind, added to the operator's advice. */
const kindAdvice: Partial<Record<InformationKind, { zh: string; en: string }>> = {
  phone: {
    zh: '警惕冒充医院或客服的电话和短信，不要告诉任何人验证码。',
    en: 'Beware of calls and texts claiming to be the hospital or our staff; never tell anyone a code.',
  },
  id_number: {
    zh: '留意以您的身份证件办理的业务，如有异常请向公安机关报案。',
    en: 'Watch for services opened in your ID number, and report anything unusual to the police.',
  },
  card: {
    zh: '如发现不是您本人的挂号或缴费，请联系医院并在“就诊卡”中解除绑定。',
    en: 'If you see appointments or payments that are not yours, contact the hospital and unbind the card under "Medical cards".',
  },
};

/** The fields an audited read names (`detail.fields`), and the resources a FHIR read returns. */
const fieldKinds: Readonly<Record<string, readonly InformationKind[]>> = {
  name: ['name'],
  sex: ['sex'],
  birthDate: ['birth_date'],
  idNumber: ['id_number'],
  phone: ['phone'],
  insuranceType: ['insurance'],
  relationship: ['relationship'],
  cardNo: ['card'],
  Patient: ['name', 'sex', 'birth_date', 'id_number', 'phone', 'card'],
  RelatedPerson: ['name', 'relationship'],
  Coverage: ['insurance'],
  all: ['name', 'sex', 'birth_date', 'id_number', 'phone', 'insurance', 'relationship', 'card'],
};
/** What an OpenID client is given for each scope. */
const scopeKinds: Readonly<Record<string, readonly InformationKind[]>> = {
  openid: ['account_id'],
  profile: ['name', 'birth_date'],
  phone: ['phone'],
};
/** Events that name no fields: what they touch. */
const eventKinds: Readonly<Record<string, readonly InformationKind[]>> = {
  'privacy.export': [...INFORMATION_KINDS],
  'identity.verification': ['name', 'id_number'],
  'identity.liveness': ['face_outcome'],
  'card.created': ['name', 'id_number', 'phone', 'relationship', 'card'],
};

/** An audit entry as stored (see kernel/audit): the parts scoping reads. */
export interface StoredEntry {
  readonly event?: unknown;
  readonly userId?: unknown;
  readonly at?: unknown;
  readonly detail?: unknown;
}

function detailOf(entry: StoredEntry): Readonly<Record<string, unknown>> {
  return typeof entry.detail === 'object' && entry.detail !== null
    ? (entry.detail as Record<string, unknown>)
    : {};
}

/** The kinds of information an entry shows was read or given away. */
export function kindsOf(entry: StoredEntry): InformationKind[] {
  const detail = detailOf(entry);
  const found = new Set<InformationKind>(['account_id']);
  const add = (list: readonly InformationKind[] | undefined) => {
    for (const kind of list ?? []) found.add(kind);
  };
  if (typeof detail.fields === 'string') for (const f of detail.fields.split(',')) add(fieldKinds[f.trim()]);
  if (typeof detail.scopes === 'string') for (const s of detail.scopes.split(' ')) add(scopeKinds[s]);
  if (typeof detail.fields !== 'string' && typeof detail.scopes !== 'string')
    add(eventKinds[String(entry.event)]);
  return INFORMATION_KINDS.filter((kind) => found.has(kind));
}

export function matchesCause(entry: StoredEntry, cause: Cause): boolean {
  const detail = detailOf(entry);
  if (cause.kind === 'client') return detail.clientId === cause.clientId;
  if (cause.kind === 'hospital') return detail.hospitalId === cause.hospitalId;
  return entry.event === cause.event;
}

export interface Window {
  readonly from: number;
  readonly to: number;
}

export interface Affected {
  readonly userId: string;
  readonly kinds: readonly InformationKind[];
  /** How many entries showed this person reached. */
  readonly entries: number;
}

/** What the incident record keeps of a scope: counts (the people are the affected items). */
export interface ScopeSummary {
  readonly people: number;
  readonly byKind: Readonly<Partial<Record<InformationKind, number>>>;
  readonly entriesMatched: number;
  readonly entriesUntrusted: number;
}

export const summaryOf = (scope: Scope): ScopeSummary => ({
  people: scope.affected.length,
  byKind: scope.byKind,
  entriesMatched: scope.entriesMatched,
  entriesUntrusted: scope.entriesUntrusted,
});

export interface Scope {
  readonly affected: readonly Affected[];
  readonly byKind: Readonly<Partial<Record<InformationKind, number>>>;
  /** Entries in the window read, matched, and refused for a MAC that does not verify. */
  readonly entriesRead: number;
  readonly entriesMatched: number;
  readonly entriesUntrusted: number;
}

/**
 * Who the cause reached in the window, and which kinds of their information, from the audit
 * entries of the window's days. An entry whose MAC does not verify is not believed (and counted:
 * someone edited the trail, which is an incident of its own).
 */
export function scopeIncident(
  entries: Iterable<StoredEntry>,
  cause: Cause,
  window: Window,
  trusted: (entry: StoredEntry) => boolean,
): Scope {
  const people = new Map<string, { kinds: Set<InformationKind>; entries: number }>();
  let read = 0;
  let matched = 0;
  let untrusted = 0;
  for (const entry of entries) {
    const at = Date.parse(String(entry.at));
    if (!(at >= window.from && at < window.to)) continue;
    read++;
    if (!matchesCause(entry, cause) || typeof entry.userId !== 'string') continue;
    if (!trusted(entry)) {
      untrusted++;
      continue;
    }
    matched++;
    const person = people.get(entry.userId) ?? { kinds: new Set<InformationKind>(), entries: 0 };
    for (const kind of kindsOf(entry)) person.kinds.add(kind);
    person.entries++;
    people.set(entry.userId, person);
  }
  const affected = [...people.entries()]
    .map(([userId, p]) => ({
      userId,
      kinds: INFORMATION_KINDS.filter((k) => p.kinds.has(k)),
      entries: p.entries,
    }))
    .sort((a, b) => a.userId.localeCompare(b.userId));
  const byKind: Partial<Record<InformationKind, number>> = {};
  for (const person of affected) for (const kind of person.kinds) byKind[kind] = (byKind[kind] ?? 0) + 1;
  return { affected, byKind, entriesRead: read, entriesMatched: matched, entriesUntrusted: untrusted };
}

const listOf = (kinds: readonly InformationKind[], lang: 'zh' | 'en') =>
  kinds.map((k) => kindLabels[k][lang]).join(lang === 'zh' ? '、' : ', ');

/** One notice section: a heading and its text (PIPL art. 57's items, in order). */
export interface NoticeSection {
  readonly heading: string;
  readonly text: string;
}
export interface NoticeText {
  readonly title: string;
  readonly sections: readonly NoticeSection[];
}

/**
 * What one person is told (PIPL art. 57): which of their information, what happened and why, the
 * possible harm, what we did, what they can do, and how to reach us.
 */
export function noticeText(
  brief: IncidentBrief,
  kinds: readonly InformationKind[],
  lang: 'zh' | 'en',
): NoticeText {
  const advice = [brief.advice[lang], ...kinds.flatMap((k) => (kindAdvice[k] ? [kindAdvice[k][lang]] : []))];
  const zh = lang === 'zh';
  return {
    title: zh ? '个人信息安全事件告知' : 'A security incident involving your personal information',
    sections: [
      {
        heading: zh ? '涉及您的信息' : 'Your information involved',
        text: listOf(kinds, lang),
      },
      { heading: zh ? '发生了什么' : 'What happened', text: brief.happened[lang] },
      ...(brief.suspectedCause ? [{ heading: zh ? '原因' : 'Why', text: brief.suspectedCause[lang] }] : []),
      { heading: zh ? '可能的影响' : 'The possible harm', text: brief.harm[lang] },
      { heading: zh ? '我们已采取的措施' : 'What we have done', text: brief.measures[lang] },
      { heading: zh ? '您可以做什么' : 'What you can do', text: advice.join(zh ? '' : ' ') },
      { heading: zh ? '联系我们' : 'Contact us', text: brief.contact[lang] },
    ],
  };
}

/**
 * The public announcement, where telling each person is impractical (PIPL art. 57; GB/T 35273
 * §10.2): the same items, for everyone, with counts instead of a person's kinds.
 */
export function announcementText(brief: IncidentBrief, scope: ScopeSummary, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh';
  const kinds = INFORMATION_KINDS.filter((k) => (scope.byKind[k] ?? 0) > 0);
  const notice = noticeText(brief, kinds, lang);
  const lines = [
    `# ${zh ? '关于个人信息安全事件的公告' : 'Announcement of a personal information security incident'}`,
    '',
    zh
      ? `本次事件可能涉及 ${scope.people} 人的个人信息。`
      : `The incident may involve the personal information of ${scope.people} people.`,
    '',
    ...notice.sections.flatMap((s) => [`## ${s.heading}`, '', s.text, '']),
  ];
  return lines.join('\n');
}

/** An incident as the report and its clock need it. */
export interface IncidentFacts {
  readonly incidentId: string;
  readonly brief: IncidentBrief;
  readonly openedAt: number;
  readonly discoveredAt: number;
  readonly cause?: Cause | undefined;
  readonly window?: Window | undefined;
  readonly scope?: ScopeSummary | undefined;
  readonly chainVerdict?: string | undefined;
  readonly notifiedAt?: number | undefined;
  readonly noticesSent?: number | undefined;
  readonly smsSent?: number | undefined;
  readonly smsUnreachable?: number | undefined;
  readonly reportSubmittedAt?: number | undefined;
  readonly closedAt?: number | undefined;
}

export type ClockState = 'not_required' | 'running' | 'due_soon' | 'overdue' | 'submitted';

/** The 4-hour clock: when the report is due, and how it stands at `now`. */
export function reportClock(incident: IncidentFacts, now: number) {
  const dueAt = incident.discoveredAt + REPORT_WITHIN_MS;
  const state: ClockState = !mustReport(incident.brief.grade)
    ? 'not_required'
    : incident.reportSubmittedAt !== undefined
      ? 'submitted'
      : now >= dueAt
        ? 'overdue'
        : now >= dueAt - REPORT_WARNING_MS
          ? 'due_soon'
          : 'running';
  return { dueAt, minutesLeft: Math.floor((dueAt - now) / 60_000), state };
}

export interface ReportItem {
  readonly item: string;
  readonly text: string;
  /** Not known yet: it may follow within 24 hours (the first items go first). */
  readonly pending: boolean;
}

const iso = (at: number) => new Date(at).toISOString();

/**
 * The regulator's report (办法 art. 5's items, as we read them), drafted from what the system
 * knows: items it cannot know are marked to follow. Recipients: the provincial 网信 office (4
 * hours, 较大 and above), the health authority (medical data), the police where a crime is suspected.
 */
export function reportDraft(
  incident: IncidentFacts,
  system: { readonly operator: string; readonly description: string },
  now: number,
) {
  const { brief, scope } = incident;
  const clock = reportClock(incident, now);
  const kinds = scope ? INFORMATION_KINDS.filter((k) => (scope.byKind[k] ?? 0) > 0) : [];
  const pending = (text: string | undefined): { text: string; pending: boolean } =>
    text ? { text, pending: false } : { text: '待补报 (to follow)', pending: true };
  const items: ReportItem[] = [
    {
      item: '一、事件发生单位名称及发生事件的设施、系统、平台的基本情况',
      text: `${system.operator}；${system.description}`,
      pending: false,
    },
    {
      item: '二、事件发现时间、类型、已造成的影响和危害、已采取的措施及效果',
      text: [
        `发现时间 ${iso(incident.discoveredAt)}；类型 ${brief.type.zh}；级别 ${gradeLabels[brief.grade].zh}。`,
        brief.happened.zh,
        scope
          ? `影响：${scope.people} 人，信息种类 ${kinds.map((k) => `${kindLabels[k].zh} ${scope.byKind[k]} 人`).join('、')}。`
          : '影响范围：待补报。',
        `已采取措施：${brief.measures.zh}`,
        incident.noticesSent !== undefined
          ? `已告知个人 ${incident.noticesSent} 人（站内通知），短信送达 ${incident.smsSent ?? 0} 人，无法送达 ${incident.smsUnreachable ?? 0} 人。`
          : '告知个人：待补报。',
      ].join(''),
      pending: scope === undefined,
    },
    { item: '三、事态发展趋势及可能进一步造成的影响和危害', ...pending(brief.harm.zh) },
    {
      item: '四、初步分析的事件原因',
      ...pending(
        [
          brief.suspectedCause?.zh,
          incident.cause ? `审计记录所示途径：${describeCause(incident.cause)}` : undefined,
        ]
          .filter(Boolean)
          .join('；'),
      ),
    },
    {
      item: '五、进一步调查分析所需的线索',
      ...pending(
        incident.window && scope
          ? `审计日志 ${iso(incident.window.from)} 至 ${iso(incident.window.to)} 中与该途径相符的条目 ${scope.entriesMatched} 条（MAC 不符 ${scope.entriesUntrusted} 条）；审计链校验：${incident.chainVerdict ?? '未校验'}。`
          : undefined,
      ),
    },
    { item: '六、拟进一步采取的应对措施以及请求支援事项', ...pending(undefined) },
    {
      item: '七、事件现场保护情况',
      ...pending(
        incident.chainVerdict
          ? `审计条目逐条带密钥 MAC 并按日哈希成链，保存三年；链校验：${incident.chainVerdict}。`
          : undefined,
      ),
    },
    {
      item: '八、其他应当报告的情况',
      text: brief.crimeSuspected ? '涉嫌违法犯罪，已同时向公安机关报案。' : '无。',
      pending: false,
    },
  ];
  const recipients = [
    ...(mustReport(brief.grade) ? ['属地省级网信部门（4 小时内）'] : []),
    '卫生健康主管部门（医疗卫生机构网络安全管理办法）',
    ...(brief.crimeSuspected ? ['公安机关'] : []),
  ];
  return {
    incidentId: incident.incidentId,
    grade: brief.grade,
    recipients,
    dueAt: iso(clock.dueAt),
    clock: clock.state,
    minutesLeft: clock.minutesLeft,
    supplementDueAt: iso(incident.discoveredAt + SUPPLEMENT_WITHIN_MS),
    summaryDueAt: incident.closedAt !== undefined ? iso(incident.closedAt + SUMMARY_WITHIN_MS) : undefined,
    items,
  };
}
export type ReportDraft = ReturnType<typeof reportDraft>;

/** The draft as the operator reads and sends it. */
export function reportMarkdown(draft: ReportDraft): string {
  return [
    `# 网络安全事件报告（初报）${draft.incidentId}`,
    '',
    `报送对象：${draft.recipients.join('；')}`,
    `报告时限：${draft.dueAt}（${draft.clock === 'not_required' ? '一般事件，不属于 4 小时报告范围' : `剩余 ${draft.minutesLeft} 分钟`}）；未知事项 ${draft.supplementDueAt} 前补报${draft.summaryDueAt ? `；总结报告 ${draft.summaryDueAt} 前` : ''}`,
    '',
    ...draft.items.flatMap((i) => [`## ${i.item}`, '', i.text, '']),
  ].join('\n');
}
