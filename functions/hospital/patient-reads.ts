import type { CardRecord, CardStore } from '../cards';
import { hisPatientToken, insuranceTypes, relationships } from '../cards';
import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import type { BlindIndexer } from '../crypto/blind-index';
import { normaliseIdNumber } from '../crypto/normalise';
import type { AuditLog } from '../kernel/audit/ports';
import {
  fhirId,
  parseBindingResourceId,
  resourceUuid,
  toFhirCoverage,
  toFhirPatient,
  toFhirRelatedPerson,
} from './fhir';
import type { HospitalCaller } from './hospital-auth';

type Caller = Pick<HospitalCaller, 'clientId' | 'hospitalId'>;

export interface HospitalReadDeps {
  readonly clock: Clock;
  /** Each hospital's own settings (its card-number system). */
  readonly hospitals: ReadonlyArray<{ readonly id: string; readonly cardNumberSystem?: string | undefined }>;
  readonly cards: CardStore;
  readonly indexer: BlindIndexer;
  readonly audit: AuditLog;
  /** Reads the account holder's verified name for RelatedPerson. */
  holderName(userId: string): Promise<string | undefined>;
}

/** Every proven binding the calling hospital has to one of its patients (none for another's). */
async function bindingsOf(
  deps: { readonly cards: Pick<CardStore, 'findByHospitalPatient' | 'get'>; readonly indexer: BlindIndexer },
  caller: Caller,
  hisPatientId: string,
): Promise<CardRecord[]> {
  const refs = await deps.cards.findByHospitalPatient(
    caller.hospitalId,
    hisPatientToken(deps, caller.hospitalId, hisPatientId),
  );
  const cards = await Promise.all(refs.map((ref) => deps.cards.get(ref.userId, ref.cardId)));
  return cards.filter(
    (card): card is CardRecord =>
      card?.hospitalId === caller.hospitalId &&
      card.status === 'active' &&
      card.hisPatientId === hisPatientId,
  );
}

/**
 * A hospital reads a patient of its own, through exactly one binding: the one `binding` names (a
 * card's FHIR id, as its RelatedPerson carries it), else the only one, else the patient's own
 * (self) binding; several bindings and none of those is 409 `patient_ambiguous`, listing them.
 * The index is keyed by the caller's hospital, so another hospital's patient is simply not found.
 */
export async function ownCard(
  deps: { readonly cards: Pick<CardStore, 'findByHospitalPatient' | 'get'>; readonly indexer: BlindIndexer },
  caller: Caller,
  hisPatientId: string,
  binding?: string,
): Promise<CardRecord> {
  const cards = await bindingsOf(deps, caller, hisPatientId);
  if (binding !== undefined) {
    const named = cards.find((card) => fhirId(card.cardId) === binding || card.cardId === binding);
    if (!named) throw new AppError('patient_not_found');
    return named;
  }
  const self = cards.filter((card) => card.relationship === '01');
  const only = cards.length === 1 ? cards[0] : self.length === 1 ? self[0] : undefined;
  if (only) return only;
  if (cards.length === 0) throw new AppError('patient_not_found');
  throw new AppError('patient_ambiguous', {
    // Space-separated binding ids, each `<id>:<GB/T 4761 relationship>`.
    extensions: { bindings: cards.map((card) => `${fhirId(card.cardId)}:${card.relationship}`).join(' ') },
  });
}

async function audit(
  deps: HospitalReadDeps,
  caller: Caller,
  card: CardRecord,
  fields: string,
  purpose: string,
) {
  await deps.audit.record({
    event: 'hospital.read',
    userId: card.userId,
    detail: {
      clientId: caller.clientId,
      hospitalId: caller.hospitalId,
      cardId: card.cardId,
      fields,
      purpose,
    },
    at: deps.clock.now().getTime(),
  });
}

export async function readPatientJson(
  deps: HospitalReadDeps,
  caller: Caller,
  hisPatientId: string,
  binding?: string,
) {
  const card = await ownCard(deps, caller, hisPatientId, binding);
  await audit(
    deps,
    caller,
    card,
    'name,sex,birthDate,idNumber,phone,insuranceType,relationship',
    'registration',
  );
  const insurance = insuranceTypes[card.insuranceType];
  return {
    hisPatientId,
    cardNo: card.cardNo ?? null,
    name: card.name,
    sex: card.sex ?? null,
    birthDate: card.birthDate ?? null,
    idType: card.idType,
    idNumber: card.idNumber,
    phone: card.phone,
    insuranceType: { code: card.insuranceType, insutype: insurance.insutype, label: insurance.zh },
    relationship: { code: card.relationship, label: relationships[card.relationship].zh },
    binding: fhirId(card.cardId),
  };
}

/**
 * A binding's RelatedPerson or Coverage by its id (bindingResourceId), under the Patient read's
 * rules: the hospital's own index, a proven active binding, audited. Anything else: not found.
 */
export async function readFhirBinding(
  deps: HospitalReadDeps,
  caller: Caller,
  resourceType: 'RelatedPerson' | 'Coverage',
  id: string,
) {
  const parsed = parseBindingResourceId(id);
  if (!parsed || parsed.part !== (resourceType === 'RelatedPerson' ? 'holder' : 'coverage'))
    throw new AppError('patient_not_found');
  const refs = await deps.cards.findByHospitalPatient(caller.hospitalId, parsed.patientToken);
  const cards = (await Promise.all(refs.map((ref) => deps.cards.get(ref.userId, ref.cardId)))).filter(
    (card): card is CardRecord =>
      card?.hospitalId === caller.hospitalId &&
      card.status === 'active' &&
      fhirId(card.cardId).startsWith(parsed.cardPrefix),
  );
  const card = cards.length === 1 ? cards[0] : undefined;
  if (!card) throw new AppError('patient_not_found');
  await audit(deps, caller, card, resourceType, 'registration');
  if (resourceType === 'Coverage') return toFhirCoverage(card, parsed.patientToken);
  const holder = card.relationship === '01' ? undefined : await deps.holderName(card.userId);
  return toFhirRelatedPerson(card, holder, parsed.patientToken);
}

export async function readFhirPatient(deps: HospitalReadDeps, caller: Caller, hisPatientId: string) {
  const card = await ownCard(deps, caller, hisPatientId);
  await audit(deps, caller, card, 'Patient', 'registration');
  return toFhirPatient(card, hospitalOf(deps, card.hospitalId));
}

function hospitalOf(deps: Pick<HospitalReadDeps, 'hospitals'>, hospitalId: string) {
  return deps.hospitals.find((h) => h.id === hospitalId) ?? { id: hospitalId };
}

export interface FhirSearch {
  readonly identifier: string;
  readonly _count?: number | undefined;
  readonly _offset?: number | undefined;
  readonly _summary?: 'true' | 'false' | 'data' | 'count' | undefined;
}

const DEFAULT_PAGE = 20;

/**
 * `Patient?identifier=urn:oid:2.16.156.10011.1.3|<id>`: a searchset of the hospital's own
 * patients with that number, each with its bindings (RelatedPerson, Coverage) as includes; paged
 * by `_count` with `self` and `next` links; `_summary=count` answers the total alone.
 */
export async function searchFhirPatients(
  deps: HospitalReadDeps,
  caller: Caller,
  search: FhirSearch,
  base: string,
) {
  const [system, value] = search.identifier.split('|');
  if (system !== 'urn:oid:2.16.156.10011.1.3' || !value)
    throw new AppError('invalid_request', {
      fields: [{ path: 'query.identifier', issue: 'unsupported_system' }],
    });
  const refs = await deps.cards.findByHospitalIdNumber(
    caller.hospitalId,
    deps.indexer.token('id-number', normaliseIdNumber(value)),
  );
  // One match per hospital patient; each binding to it as its own RelatedPerson and Coverage.
  const matches = new Map<string, CardRecord[]>();
  for (const ref of refs) {
    const card = await deps.cards.get(ref.userId, ref.cardId);
    if (card?.status !== 'active' || card.hospitalId !== caller.hospitalId || !card.hisPatientId) continue;
    matches.set(card.hisPatientId, [...(matches.get(card.hisPatientId) ?? []), card]);
  }
  const count = search._count ?? DEFAULT_PAGE;
  const offset = search._offset ?? 0;
  const query = (at: number) => {
    const params = new URLSearchParams({ identifier: search.identifier, _count: String(count) });
    if (at > 0) params.set('_offset', String(at));
    if (search._summary) params.set('_summary', search._summary);
    return `${base}/Patient?${params}`;
  };
  const link = [
    { relation: 'self', url: query(offset) },
    ...(search._summary !== 'count' && offset + count < matches.size
      ? [{ relation: 'next', url: query(offset + count) }]
      : []),
  ];
  const bundle = {
    resourceType: 'Bundle' as const,
    id: resourceUuid(`${caller.hospitalId}|${search.identifier}|${offset}`),
    type: 'searchset' as const,
    total: matches.size,
    link,
  };
  if (search._summary === 'count') return bundle;
  const entry: Array<{ fullUrl: string; resource: object; search: { mode: 'match' | 'include' } }> = [];
  for (const [hisPatientId, cards] of [...matches].slice(offset, offset + count)) {
    const first = cards[0] as CardRecord;
    entry.push({
      fullUrl: `${base}/Patient/${hisPatientId}`,
      resource: toFhirPatient(first, hospitalOf(deps, first.hospitalId)),
      search: { mode: 'match' },
    });
    for (const card of cards) {
      await audit(deps, caller, card, 'Patient,RelatedPerson,Coverage', 'registration');
      const holder = card.relationship === '01' ? undefined : await deps.holderName(card.userId);
      const token = hisPatientToken(deps, caller.hospitalId, hisPatientId);
      for (const resource of [toFhirRelatedPerson(card, holder, token), toFhirCoverage(card, token)])
        entry.push({
          fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
          resource,
          search: { mode: 'include' },
        });
    }
  }
  return { ...bundle, entry };
}
