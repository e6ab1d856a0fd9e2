import { getAll } from '../api';
import { show } from '../app';
import { h } from '../dom';
import { lang, t } from '../i18n';

interface NoticeText {
  readonly title: string;
  readonly sections: ReadonlyArray<{ readonly heading: string; readonly text: string }>;
}
interface Notice {
  readonly noticeId: string;
  readonly at: string;
  readonly text: { readonly 'zh-CN': NoticeText; readonly en: NoticeText };
}

/**
 * 消息: the notices we sent (a security incident that involved the person's information, PIPL
 * art. 57), newest first, each as it was sent, in the language chosen. The SMS points here.
 */
export async function noticesView(): Promise<void> {
  const notices = await getAll<Notice>('/v1/me/notices', 'notices');
  const items = notices.map((n) => {
    const text = n.text[lang()];
    const id = `notice-${n.noticeId}`;
    return h(
      'article',
      { class: 'card notice', 'aria-labelledby': id, 'data-notice': n.noticeId },
      h('h2', { id }, text.title),
      h(
        'p',
        { class: 'hint' },
        t('noticeSent', { when: new Date(n.at).toLocaleString(lang()), id: n.noticeId }),
      ),
      ...text.sections.flatMap((s) => [h('h3', {}, s.heading), h('p', {}, s.text)]),
    );
  });
  show(h('h1', {}, t('noticesTitle')), ...(items.length ? items : [h('p', {}, t('noNotices'))]));
}
