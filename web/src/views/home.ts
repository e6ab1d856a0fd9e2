import { get } from '../api';
import { show } from '../app';
import { h } from '../dom';
import { t } from '../i18n';

interface Me {
  readonly id: string;
  readonly phoneMasked: string;
  readonly realNameVerified: boolean;
  readonly policy: {
    readonly current: string;
    readonly accepted: string | null;
    readonly newerVersionAvailable: boolean;
  };
}

export async function homeView(): Promise<void> {
  const me = await get<Me>('/v1/me');
  show(
    h('h1', {}, t('homeTitle')),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('phoneOnFile')),
      h('dd', { 'data-field': 'phone' }, me.phoneMasked),
      h('dt', {}, t('realName')),
      h('dd', { 'data-field': 'verified' }, me.realNameVerified ? t('verified') : t('notVerified')),
    ),
    h(
      'p',
      { class: 'actions' },
      me.realNameVerified ? null : h('a', { class: 'button', href: '#/identity' }, t('goVerify')),
      h('a', { class: 'button secondary', href: '#/cards' }, t('goCards')),
    ),
  );
}
