import type { IdType } from '../../../functions/kernel/person/id-number';
import { get, getAll, post } from '../api';
import { currentPolicy, show } from '../app';
import { announce, field, fieldValue, h, input, onSubmit, select, setFieldError, showProblem } from '../dom';
import { type MessageKey, t, tCode } from '../i18n';
import { idNumberMessage } from '../id-rules';

const ID_TYPES: readonly IdType[] = ['resident', 'hk_mo_tw_permit', 'foreign_permanent'];

interface IdentityStatus {
  readonly verified: boolean;
  readonly nameMasked: string | null;
  readonly idNumberMasked: string | null;
  readonly assurance: { readonly level: 'none' | 'two_element' | 'real_person'; readonly at: string | null };
}

interface ConsentEntry {
  readonly purpose: string;
  readonly accepted: boolean;
  readonly at: string;
}

/** Where the provider's page sends the person back (this origin; the server appends the check id). */
export const LIVENESS_RETURN_PATH = '/liveness/return';

export async function identityView(): Promise<void> {
  const status = await get<IdentityStatus>('/v1/me/identity');
  if (!status.verified) {
    show(h('h1', {}, t('identityTitle')), verifyForm());
    return;
  }
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('realName')),
    h(
      'dd',
      { class: 'result' },
      t('verifiedAs', { name: status.nameMasked ?? '', id: status.idNumberMasked ?? '' }),
    ),
    h('dt', {}, t('assuranceLevel')),
    h('dd', { 'data-field': 'assurance' }, tCode('assurance', status.assurance.level)),
  );
  show(
    h('h1', {}, t('identityTitle')),
    facts,
    status.assurance.level === 'real_person' ? h('p', {}, t('livenessPassed')) : await realPersonSection(),
  );
}

/** Name and ID number, checked here as the server checks them, then sent for verification. */
function verifyForm(): HTMLFormElement {
  const idType = select(
    'idType',
    ID_TYPES.map((v) => [v, t(`idType_${v}` as MessageKey)] as const),
  );
  const idNumber = input({ name: 'idNumber', autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field(t('name'), input({ name: 'name', autocomplete: 'name', required: true })),
    field(t('idType'), idType),
    field(t('idNumber'), idNumber),
    h('button', { type: 'submit' }, t('verify')),
  );
  const check = () => {
    const message = idNumberMessage(idNumber.value, idType.value as IdType);
    setFieldError(form, 'idNumber', message);
    return message === undefined;
  };
  idNumber.addEventListener('blur', check);
  idNumber.addEventListener('input', () => {
    if (idNumber.getAttribute('aria-invalid')) check();
  });
  idType.addEventListener('change', check);
  onSubmit(form, async () => {
    if (!check()) {
      idNumber.focus();
      return;
    }
    const verified = await post<{ nameMasked: string; idNumberMasked: string }>('/v1/me/identity/verify', {
      name: fieldValue(form, 'name'),
      idType: idType.value,
      idNumber: fieldValue(form, 'idNumber'),
    });
    announce(t('verifiedAs', { name: verified.nameMasked, id: verified.idNumberMasked }));
    await identityView();
  });
  return form;
}

/**
 * The face check, offered with what it is, what is kept, and the counter instead. Face
 * information needs its own consent: an unticked box here, recorded on its own before the check.
 */
async function realPersonSection(): Promise<HTMLElement> {
  const [consents, policy] = await Promise.all([
    getAll<ConsentEntry>('/v1/me/consents', 'consents'),
    currentPolicy(),
  ]);
  const latest = [...consents]
    .filter((c) => c.purpose === 'face_recognition')
    .sort((a, b) => a.at.localeCompare(b.at))
    .at(-1);
  const given = latest?.accepted === true;
  const consent = h('input', { type: 'checkbox', name: 'faceConsent', id: 'f-faceConsent', checked: given });
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('div', { class: 'check' }, consent, h('label', { for: 'f-faceConsent' }, t('faceConsent'))),
    h('button', { type: 'submit' }, t('startLiveness')),
  );
  onSubmit(form, async () => {
    if (!consent.checked) {
      showProblem(form, new Error(t('faceConsentNeeded')));
      return;
    }
    if (!given) {
      await post('/v1/me/consents', {
        purpose: 'face_recognition',
        policyVersion: policy.version,
        accepted: true,
      });
    }
    const started = await post<{ url?: string }>('/v1/me/identity/liveness', {
      channel: 'h5',
      redirectUrl: `${location.origin}${LIVENESS_RETURN_PATH}`,
      metaInfo: metaInfo(),
    });
    if (started.url) location.assign(started.url);
  });
  return h(
    'section',
    { 'aria-labelledby': 'real-person-title' },
    h('h2', { id: 'real-person-title' }, t('realPersonTitle')),
    h('p', {}, t('realPersonIntro')),
    form,
    h('p', { class: 'hint', 'data-field': 'counter' }, t('realPersonAlternative')),
  );
}

/**
 * Alibaba Cloud's H5 check wants the device fingerprint its script's `getMetaInfo()` returns
 * (loaded from its CDN in production); without the script, the fields that script sends.
 */
function metaInfo(): string {
  const fromScript = (window as unknown as { getMetaInfo?: () => unknown }).getMetaInfo?.();
  if (fromScript) return typeof fromScript === 'string' ? fromScript : JSON.stringify(fromScript);
  return JSON.stringify({ deviceType: 'h5', ua: navigator.userAgent.slice(0, 256), bioMetaInfo: '' });
}

/**
 * Back from the provider's page: ask our server for the outcome (it asks the provider; nothing in
 * this URL but our own check id is read), then say what happened and what to do next.
 */
export async function livenessReturnView(params: URLSearchParams): Promise<void> {
  const status = h('p', { role: 'status' }, t('livenessWorking'));
  show(h('h1', {}, t('realPersonTitle')), status);
  const livenessId = params.get('livenessId') ?? '';
  // Off the return path (a reload must not ask again); the link back then changes the hash.
  history.replaceState(null, '', '/');
  const actions = h(
    'p',
    { class: 'actions' },
    h('a', { class: 'button secondary', href: '#/identity' }, t('backToIdentity')),
  );
  try {
    await post(`/v1/me/identity/liveness/${encodeURIComponent(livenessId)}/result`);
    status.textContent = t('livenessPassed');
    status.setAttribute('data-outcome', 'passed');
    announce(t('livenessPassed'));
    status.after(actions);
  } catch (error) {
    const box = h('div', {});
    status.replaceWith(box);
    const problem = showProblem(box, error);
    if (problem.alternative === 'counter_attestation')
      box.append(h('p', { 'data-field': 'counter' }, t('counterAdvice')));
    box.after(actions);
  }
}
