import type { IdType } from '../../../functions/identity/id-number';
import { post } from '../api';
import { show } from '../app';
import { announce, field, fieldValue, h, input, onSubmit, select, setFieldError } from '../dom';
import { type MessageKey, t } from '../i18n';
import { idNumberMessage } from '../id-rules';

const ID_TYPES: readonly IdType[] = ['resident', 'hk_mo_tw_permit', 'foreign_permanent'];

export function identityView(): void {
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
  const result = h('p', { role: 'status', class: 'result' });
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
    const text = t('verifiedAs', { name: verified.nameMasked, id: verified.idNumberMasked });
    result.textContent = text;
    announce(text);
    form.reset();
  });
  show(h('h1', {}, t('identityTitle')), form, result);
}
