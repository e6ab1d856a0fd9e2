import {
  type IdTypeCode,
  type InsuranceCode,
  idTypes,
  insuranceTypes,
  type RelationshipCode,
  relationships,
} from '../../../functions/cards/codes';
import { isDocumentKind } from '../../../functions/kernel/person/document-number';
import { api, get, getAll, post } from '../api';
import { currentPolicy, show } from '../app';
import { announce, field, fieldValue, h, input, onSubmit, select, setFieldError, showProblem } from '../dom';
import { lang, t, tCode } from '../i18n';
import { ageToday, birthDateOf, idNumberMessage } from '../id-rules';

interface Coded {
  readonly code: string;
  readonly label: { readonly zh: string; readonly en: string };
}
interface Card {
  readonly id: string;
  readonly hospitalId: string;
  readonly relationship: Coded;
  readonly nameMasked: string;
  readonly idNumberMasked: string;
  readonly insuranceType: Coded;
  readonly status: 'pending' | 'active' | 'failed' | 'awaiting_proof';
  readonly proof?: { readonly method: 'sms' | 'counter'; readonly phoneMasked?: string };
  readonly minor: boolean;
}
interface Hospital {
  readonly id: string;
  readonly name: string;
}

const label = (c: { zh: string; en: string }) => (lang() === 'en' ? c.en : c.zh);
const MINOR_AGE = 14;

let poll: ReturnType<typeof setTimeout> | undefined;

function cardItem(card: Card, hospitals: readonly Hospital[], refresh: () => void): HTMLElement {
  const hospital = hospitals.find((x) => x.id === card.hospitalId)?.name ?? card.hospitalId;
  const item = h(
    'li',
    { class: 'card', 'data-card': card.id, 'data-status': card.status },
    h('strong', {}, `${card.nameMasked} · ${label(card.relationship.label)}`),
    h('span', {}, hospital),
    h('span', {}, card.idNumberMasked),
    h('span', {}, label(card.insuranceType.label)),
    h('span', { class: `badge ${card.status}` }, tCode('status', card.status)),
  );
  if (card.status === 'awaiting_proof' && card.proof) item.append(proofForm(card, card.proof, refresh));
  item.append(
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-label': `${t('unbind')} ${card.nameMasked} ${hospital}`,
        onclick: () => {
          if (!confirm(t('confirmUnbind'))) return;
          api('DELETE', `/v1/me/cards/${card.id}`)
            .then(() => {
              announce(t('saved'));
              refresh();
            })
            .catch((error: unknown) => showProblem(item, error));
        },
      },
      t('unbind'),
    ),
  );
  return item;
}

/**
 * The hospital already had this patient: the binding is proven by a code to the mobile the
 * hospital holds for them, or (no mobile on file) at its counter with an attestation code.
 */
function proofForm(card: Card, proof: NonNullable<Card['proof']>, refresh: () => void): HTMLElement {
  if (proof.method === 'counter') {
    const shown = h('p', { class: 'attestation-code', 'aria-live': 'polite' });
    const box = h('div', { class: 'stack proof' }, h('p', { class: 'hint' }, t('proofCounter')), shown);
    box.append(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            post<{ code: string; expiresAt: string }>('/v1/me/identity/attestation-codes', {
              cardId: card.id,
            })
              .then((issued) => {
                shown.textContent = t('attestationCode', {
                  code: `${issued.code.slice(0, 4)} ${issued.code.slice(4)}`,
                  time: new Date(issued.expiresAt).toLocaleTimeString(lang()),
                });
              })
              .catch((error: unknown) => showProblem(box, error));
          },
        },
        t('showAttestationCode'),
      ),
    );
    return box;
  }
  const form = h('form', { class: 'stack proof', novalidate: true, 'data-form': 'proof' });
  let challengeId = '';
  const codeField = field(
    t('code'),
    input({ name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: '6' }),
  );
  codeField.hidden = true;
  const confirmButton = h('button', { type: 'submit', hidden: true }, t('proofConfirm'));
  form.append(
    h('p', { class: 'hint' }, t('proofSms', { phone: proof.phoneMasked ?? '' })),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          post<{ challengeId: string; phoneMasked: string }>(`/v1/me/cards/${card.id}/proof`, {})
            .then((sent) => {
              challengeId = sent.challengeId;
              codeField.hidden = false;
              confirmButton.hidden = false;
              announce(t('codeSentTo', { phone: sent.phoneMasked }));
            })
            .catch((error: unknown) => showProblem(form, error));
        },
      },
      t('proofSend'),
    ),
    codeField,
    confirmButton,
  );
  onSubmit(form, async () => {
    await post(`/v1/me/cards/${card.id}/proof/verify`, { challengeId, code: fieldValue(form, 'code') });
    announce(t('saved'));
    refresh();
  });
  return form;
}

/** Codes in their table's order ("01" before "10"): object keys would put integer-like ones first. */
const codesOf = <C extends string>(table: Readonly<Record<C, unknown>>) => (Object.keys(table) as C[]).sort();

/** A choice nobody has made yet: the first option, empty, so a default is never taken for an answer. */
const choose = (): readonly [string, string] => ['', t('choose')];

function addCardForm(
  hospitals: readonly Hospital[],
  policyVersion: string,
  done: () => void,
  options: { readonly firstCard: boolean },
): HTMLFormElement {
  // The first card is nearly always the account holder's own: 本人 is chosen for it, and asked after.
  const relationship = select(
    'relationship',
    [choose(), ...codesOf(relationships).map((c: RelationshipCode) => [c, label(relationships[c])] as const)],
    options.firstCard ? '01' : '',
  );
  relationship.required = true;
  // The insurance type is asked, never assumed: a wrong one is billed wrongly at the hospital.
  const insurance = select(
    'insuranceType',
    [choose(), ...codesOf(insuranceTypes).map((c: InsuranceCode) => [c, label(insuranceTypes[c])] as const)],
    '',
  );
  insurance.required = true;
  const idType = select(
    'idType',
    (Object.keys(idTypes) as IdTypeCode[]).map((c) => [c, label(idTypes[c])] as const),
    '01',
  );
  const idNumber = input({ name: 'idNumber', autocomplete: 'off', spellcheck: 'false', required: true });
  const guardian = h(
    'div',
    { class: 'check guardian', hidden: true },
    h('p', { id: 'minor-notice' }, t('minorNotice')),
    h('input', {
      type: 'checkbox',
      name: 'guardianConsent',
      id: 'f-guardianConsent',
      'aria-describedby': 'minor-notice',
    }),
    h('label', { for: 'f-guardianConsent' }, t('guardianConsent', { version: policyVersion })),
  );
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-labelledby': 'add-title' },
    h('h2', { id: 'add-title' }, t('addCard')),
    field(
      t('hospital'),
      select(
        'hospitalId',
        hospitals.map((x) => [x.id, x.name] as const),
      ),
    ),
    field(t('relationship'), relationship),
    field(t('name'), input({ name: 'name', autocomplete: 'off', required: true })),
    field(t('idType'), idType),
    field(t('idNumber'), idNumber),
    guardian,
    field(t('patientPhone'), input({ name: 'phone', type: 'tel', inputmode: 'numeric', required: true })),
    field(t('insuranceType'), insurance),
    h('button', { type: 'submit' }, t('create')),
  );
  const rule = () => idTypes[idType.value as IdTypeCode].rule;
  const check = () => {
    const r = rule();
    const message = idNumberMessage(idNumber.value, r);
    setFieldError(form, 'idNumber', message);
    const birth = isDocumentKind(r) ? undefined : birthDateOf(idNumber.value, r);
    guardian.hidden = !(birth && ageToday(birth) < MINOR_AGE);
    return message === undefined;
  };
  idNumber.addEventListener('blur', check);
  idNumber.addEventListener('input', () => {
    if (idNumber.getAttribute('aria-invalid') || !guardian.hidden) check();
  });
  idType.addEventListener('change', check);
  // One key per filled-in form: a double submit or a retry after a timeout is the same request.
  let idempotencyKey = crypto.randomUUID();
  onSubmit(form, async () => {
    // Every unanswered choice says so on its field, the first one gets the focus.
    const unanswered = [relationship, insurance].filter((choice) => {
      setFieldError(form, choice.name, choice.value ? undefined : t('chooseOne'));
      return !choice.value;
    });
    if (!check()) {
      idNumber.focus();
      return;
    }
    if (unanswered[0]) {
      unanswered[0].focus();
      return;
    }
    const minor = !guardian.hidden;
    const consented = new FormData(form).get('guardianConsent') === 'on';
    if (minor && !consented) {
      form.querySelector<HTMLInputElement>('#f-guardianConsent')?.focus();
      announce(t('minorNotice'));
      return;
    }
    await post(
      '/v1/me/cards',
      {
        hospitalId: fieldValue(form, 'hospitalId'),
        relationship: fieldValue(form, 'relationship'),
        name: fieldValue(form, 'name'),
        idType: idType.value,
        idNumber: fieldValue(form, 'idNumber'),
        phone: fieldValue(form, 'phone'),
        insuranceType: fieldValue(form, 'insuranceType'),
        ...(minor ? { guardianConsent: { accepted: true, policyVersion } } : {}),
      },
      { headers: { 'idempotency-key': idempotencyKey } },
    );
    idempotencyKey = crypto.randomUUID();
    form.reset();
    // The next card is someone else's: its relationship is asked.
    relationship.value = '';
    guardian.hidden = true;
    announce(t('saved'));
    done();
  });
  return form;
}

export async function cardsView(): Promise<void> {
  clearTimeout(poll);
  const [{ hospitals }, policy] = await Promise.all([
    get<{ hospitals: Hospital[] }>('/v1/hospitals'),
    currentPolicy(),
  ]);
  const region = h('div', { class: 'card-list', 'aria-live': 'polite' });
  // Only the list is redrawn (after a change, or while a card is pending), never the form being filled in.
  let count = 0;
  const renderList = async () => {
    clearTimeout(poll);
    const cards = await getAll<Card>('/v1/me/cards', 'cards');
    count = cards.length;
    const refresh = () => {
      renderList().catch((error: unknown) => showProblem(region, error));
    };
    region.replaceChildren(
      cards.length
        ? h('ul', { class: 'cards' }, ...cards.map((c) => cardItem(c, hospitals, refresh)))
        : h('p', {}, t('noCards')),
    );
    // A pending card turns active (or failed) once its hospital registered it: look again shortly.
    if (cards.some((c) => c.status === 'pending')) {
      poll = setTimeout(() => {
        if (location.hash === '#/cards') refresh();
      }, 1000);
    }
  };
  await renderList();
  show(
    h('h1', {}, t('cardsTitle')),
    region,
    addCardForm(
      hospitals,
      policy.version,
      () => {
        renderList().catch((error: unknown) => showProblem(region, error));
      },
      { firstCard: count === 0 },
    ),
  );
}
