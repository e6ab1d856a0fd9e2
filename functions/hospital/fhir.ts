import { createHash } from 'node:crypto';
import type { CardRecord } from '../cards';
import { idTypes, insuranceTypes, type RelationshipCode, relationships } from '../cards';
import { CARD_ID_SYSTEM, RESIDENT_ID_SYSTEM } from '../providers/his/fhir-his-client';

/**
 * FHIR ids allow only `[A-Za-z0-9.-]`; our ids are base64url, so `_` (about one card in three)
 * would make the resource invalid. `.` never occurs in base64url, so the mapping stays one-to-one.
 */
export function fhirId(value: string): string {
  return value.replaceAll('_', '.');
}

/** HL7 v3 RoleCode for each GB/T 4761 relationship that has one. */
const roleCodes: Partial<Record<RelationshipCode, string>> = {
  '01': 'ONESELF',
  '10': 'SPS',
  '20': 'SONC',
  '30': 'DAUC',
  '40': 'GRNDCHILD',
  '50': 'PRN',
  '51': 'FTH',
  '52': 'MTH',
  '71': 'BRO',
  '72': 'SIBINLAW',
  '73': 'BRO',
  '74': 'SIBINLAW',
  '75': 'SIS',
  '76': 'SIBINLAW',
  '77': 'SIS',
  '97': 'FAMMEMB',
};

/**
 * National code systems by the OIDs WS/T 500 (电子病历共享文档规范) documents use for the WS 364
 * value sets: 家庭关系代码表 (GB/T 4761) is 2.16.156.10011.2.3.3.8, 医疗保险类别代码表 (CV02.01.204)
 * 2.16.156.10011.2.3.1.248, 身份证件类别代码表 (CV02.01.101) 2.16.156.10011.2.3.1.1. Our own
 * codes with no national one (self-pay, the two residence-permit kinds) stay in our namespace.
 */
export const GB_T_4761_SYSTEM = 'urn:oid:2.16.156.10011.2.3.3.8';
export const INSURANCE_SYSTEM = 'urn:oid:2.16.156.10011.2.3.1.248';
const LOCAL_INSURANCE_SYSTEM = 'urn:patient-onboarding:insurance-type';
export const ID_TYPE_SYSTEM = 'urn:oid:2.16.156.10011.2.3.1.1';
const LOCAL_ID_TYPE_SYSTEM = 'urn:patient-onboarding:id-type';
export const INSUTYPE_SYSTEM = 'urn:nhsa:insutype';
const ROLE_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
const IDENTIFIER_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** A hospital's card numbers are its own: each hospital's system, unless it names one. */
export const cardNumberSystem = (hospital: { id: string; cardNumberSystem?: string | undefined }) =>
  hospital.cardNumberSystem ?? `urn:patient-onboarding:hospital:${hospital.id}:card-no`;

/** 复姓 (two-character surnames): a name that starts with one has a two-character family name. */
const COMPOUND_SURNAMES = new Set(
  '欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 梁丘 左丘 东门 西门 第五 南荣'.split(
    ' ',
  ),
);

/**
 * The name as FHIR HumanName: always the whole `text`; `family` and `given` only for a name of
 * two to four Han characters, where the family name is the first character (or a known 复姓).
 * Names written with a middle dot (transliterated minority and foreign names) have no reliable
 * family part, so they keep `text` alone rather than a wrong split.
 */
export function humanName(name: string) {
  if (!/^\p{Script=Han}{2,4}$/u.test(name)) return { use: 'official' as const, text: name };
  const family =
    COMPOUND_SURNAMES.has(name.slice(0, 2)) && name.length > 2 ? name.slice(0, 2) : name.slice(0, 1);
  return { use: 'official' as const, text: name, family, given: [name.slice(family.length)] };
}

function documentIdentifier(card: CardRecord) {
  const kind = idTypes[card.idType];
  const national = /^\d{2}$/.test(card.idType);
  const v2 = kind.rule === 'resident' ? 'NI' : kind.rule === 'passport' ? 'PPN' : undefined;
  return {
    use: kind.rule === 'resident' ? ('official' as const) : ('secondary' as const),
    type: {
      coding: [
        ...(v2 ? [{ system: IDENTIFIER_TYPE_SYSTEM, code: v2 }] : []),
        { system: national ? ID_TYPE_SYSTEM : LOCAL_ID_TYPE_SYSTEM, code: card.idType, display: kind.zh },
      ],
      text: kind.zh,
    },
    system: kind.rule === 'resident' ? RESIDENT_ID_SYSTEM : `${LOCAL_ID_TYPE_SYSTEM}:${card.idType}`,
    value: card.idNumber,
  };
}

/** The FHIR R4 Patient a hospital sees for one of its cards (id = its own patient id). */
export function toFhirPatient(
  card: CardRecord,
  hospital: { id: string; cardNumberSystem?: string | undefined },
) {
  return {
    resourceType: 'Patient' as const,
    id: card.hisPatientId,
    identifier: [
      documentIdentifier(card),
      {
        use: 'usual' as const,
        type: { coding: [{ system: IDENTIFIER_TYPE_SYSTEM, code: 'MR' }], text: '就诊卡号' },
        system: cardNumberSystem(hospital),
        value: card.cardNo,
      },
      { use: 'secondary' as const, system: CARD_ID_SYSTEM, value: card.cardId },
    ],
    active: card.status === 'active',
    name: [humanName(card.name)],
    telecom: [{ system: 'phone', value: card.phone, use: 'mobile' }],
    ...(card.sex ? { gender: card.sex } : {}),
    ...(card.birthDate ? { birthDate: card.birthDate } : {}),
  };
}

/**
 * The id of a binding's RelatedPerson or Coverage: the patient's keyed index token (43
 * characters), `-`, the first 8 characters of the card's FHIR id, and `-holder` or `-coverage`
 * (61 characters, within FHIR's 64). A read finds the binding from it through the hospital's own
 * patient index, so another hospital's id finds nothing, and no account id is ever shown.
 */
export type BindingPart = 'holder' | 'coverage';
const CARD_PREFIX = 8;

export function bindingResourceId(patientToken: string, cardId: string, part: BindingPart): string {
  return `${fhirId(patientToken)}-${fhirId(cardId).slice(0, CARD_PREFIX)}-${part}`;
}

export function parseBindingResourceId(
  id: string,
): { patientToken: string; cardPrefix: string; part: BindingPart } | undefined {
  const match = /^([A-Za-z0-9.-]{43})-([A-Za-z0-9.-]{8})-(holder|coverage)$/.exec(id);
  if (!match) return undefined;
  return {
    patientToken: (match[1] as string).replaceAll('.', '_'),
    cardPrefix: match[2] as string,
    part: match[3] as BindingPart,
  };
}

/** The account holder, related to the patient (HL7 v3 RoleCode and GB/T 4761). */
export function toFhirRelatedPerson(card: CardRecord, holderName: string | undefined, patientToken: string) {
  const roleCode = roleCodes[card.relationship];
  return {
    resourceType: 'RelatedPerson' as const,
    id: bindingResourceId(patientToken, card.cardId, 'holder'),
    patient: { reference: `Patient/${card.hisPatientId}` },
    relationship: [
      {
        coding: [
          ...(roleCode ? [{ system: ROLE_CODE_SYSTEM, code: roleCode }] : []),
          { system: GB_T_4761_SYSTEM, code: card.relationship, display: relationships[card.relationship].zh },
        ],
      },
    ],
    ...(holderName ? { name: [humanName(holderName)] } : {}),
  };
}

export function toFhirCoverage(card: CardRecord, patientToken: string) {
  const insurance = insuranceTypes[card.insuranceType];
  return {
    resourceType: 'Coverage' as const,
    id: bindingResourceId(patientToken, card.cardId, 'coverage'),
    status: 'active' as const,
    type: {
      coding: [
        {
          system: /^\d{2}$/.test(card.insuranceType) ? INSURANCE_SYSTEM : LOCAL_INSURANCE_SYSTEM,
          code: card.insuranceType,
          display: insurance.zh,
        },
        ...(insurance.insutype ? [{ system: INSUTYPE_SYSTEM, code: insurance.insutype }] : []),
      ],
    },
    beneficiary: { reference: `Patient/${card.hisPatientId}` },
    payor: [{ display: insurance.insutype ? '国家医疗保障局' : insurance.zh }],
  };
}

/**
 * Where this FHIR endpoint lives, as the caller reached it: the links and `fullUrl`s of a Bundle
 * must resolve for the client that asked (API Gateway sets `X-Forwarded-Proto`; the local server
 * speaks plain HTTP on loopback).
 */
export function apiOrigin(headers: Readonly<Record<string, string | undefined>>): string {
  const host = headers.host ?? 'localhost';
  const loopback = /^(127\.|localhost\b|\[::1\])/.test(host);
  const proto = headers['x-forwarded-proto'] ?? (loopback ? 'http' : 'https');
  return `${proto === 'http' ? 'http' : 'https'}://${host}`;
}

export const fhirBase = (headers: Readonly<Record<string, string | undefined>>) =>
  `${apiOrigin(headers)}/fhir/r4`;

/**
 * A UUID (RFC 9562 version 8, name-based on SHA-256) for an entry that has no RESTful location of
 * its own: the same resource always gets the same `urn:uuid`.
 */
export function resourceUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** What this endpoint supports (FHIR R4 CapabilityStatement), so a standard client can start. */
export function capabilityStatement(base: string, tokenUrl: string) {
  return {
    resourceType: 'CapabilityStatement' as const,
    status: 'active' as const,
    date: '2026-12-02',
    publisher: 'patient-onboarding',
    kind: 'instance' as const,
    implementation: { description: 'Patient onboarding: the patients a hospital holds cards for', url: base },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server' as const,
        security: {
          cors: false,
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' },
              ],
            },
          ],
          description: `OAuth 2.0 client credentials at ${tokenUrl}: a hospital client's id and secret, or a signed assertion (SMART Backend Services, private_key_jwt; see .well-known/smart-configuration); scope patients:read or system/Patient.read; every read is audited`,
        },
        resource: [
          {
            type: 'Patient',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            versioning: 'no-version',
            readHistory: false,
            searchParam: [
              {
                name: 'identifier',
                type: 'token',
                documentation:
                  'urn:oid:2.16.156.10011.1.3|<resident ID number>: the hospital’s own patients only',
              },
            ],
          },
          // A binding's account holder and insurance: read by the ids a Patient search includes.
          ...(['RelatedPerson', 'Coverage'] as const).map((type) => ({
            type,
            interaction: [{ code: 'read' as const }],
            versioning: 'no-version' as const,
            readHistory: false,
          })),
        ],
      },
    ],
  };
}

/** SMART Backend Services discovery: where and how a hospital system gets its token. */
export function smartConfiguration(origin: string, issuer: string, tokenPath: string) {
  return {
    issuer,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    token_endpoint: `${origin}${tokenPath}`,
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384', 'ES256'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: [
      'system/Patient.read',
      'system/Patient.rs',
      'patients:read',
      'events:read',
      'identity:attest',
    ],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}
