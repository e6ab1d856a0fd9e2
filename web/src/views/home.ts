import { api, get, getAll } from '../api';
import { show } from '../app';
import { deviceName } from '../device-name';
import { announce, h, showProblem } from '../dom';
import { lang, t } from '../i18n';

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

interface Session {
  readonly id: string;
  readonly current: boolean;
  readonly lastUsedAt: string;
  readonly ipPrefix: string;
  readonly userAgent: string;
}

/** Where this account is signed in; any other device can be signed out from here. */
async function sessionsSection(): Promise<HTMLElement> {
  const sessions = await getAll<Session>('/v1/me/sessions', 'sessions');
  const section = h(
    'section',
    { 'aria-labelledby': 'sessions-title' },
    h('h2', { id: 'sessions-title' }, t('sessionsTitle')),
  );
  const list = h('ul', { class: 'consent-list sessions' });
  for (const s of sessions) {
    const row = h(
      'li',
      { 'data-session': s.id },
      h(
        'span',
        {},
        t('sessionLine', {
          ua: deviceName(s.userAgent, t('unknownDevice')),
          ip: s.ipPrefix,
          when: new Date(s.lastUsedAt).toLocaleString(lang()),
        }),
      ),
      s.current ? h('span', { class: 'badge active' }, t('thisDevice')) : null,
    );
    if (!s.current) {
      row.append(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => {
              api('DELETE', `/v1/me/sessions/${s.id}`)
                .then(async () => {
                  announce(t('saved'));
                  section.replaceWith(await sessionsSection());
                })
                .catch((error: unknown) => showProblem(row, error));
            },
          },
          t('signOutSession'),
        ),
      );
    }
    list.append(row);
  }
  section.append(list);
  return section;
}

export async function homeView(): Promise<void> {
  const [me, sessions] = await Promise.all([get<Me>('/v1/me'), sessionsSection()]);
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
    sessions,
  );
}
