import * as z from 'zod/mini';
import { nextCursor } from '../core/pagination';
import { isoTime, list, meta, text } from '../core/schema-parts';
import { INFORMATION_KINDS } from './incident';

const noticeText = z.object({
  title: text(200),
  sections: list(z.object({ heading: text(100), text: text(4000) }), 12),
});

const notice = z.object({
  noticeId: text(64, { pattern: /^INC-[0-9]{8}-[A-Za-z0-9_-]{8}$/ }),
  kind: z.enum(['incident']),
  at: isoTime(),
  kinds: list(z.enum(INFORMATION_KINDS), INFORMATION_KINDS.length).check(
    meta({ description: 'The kinds of the person’s information the incident involved' }),
  ),
  text: z.object({ 'zh-CN': noticeText, en: noticeText }).check(
    meta({
      description:
        'The notice as it was sent (PIPL art. 57): the information involved, what happened, the possible harm, what we did, what you can do, how to reach us',
    }),
  ),
});

export const noticesResponse = z
  .object({ notices: list(notice, 100), next: nextCursor() })
  .check(meta({ id: 'Notices' }));
