import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The web client's screens against MIIT's ageing-friendly rules and WCAG 2.1 AA, as drawn in
 * Chromium: axe finds nothing, every target is at least 44 x 44 px (48 in care mode), text and
 * line heights are large enough, paragraphs apart in care mode, and nothing scrolls sideways at
 * 320 px or at 200 % text on a 390 px phone.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const screenshots = resolve(import.meta.dirname, '../e2e/screenshots');

export type Mode = 'normal' | 'care';
const rules = {
  normal: { target: 44, lineHeight: 1.3, bodyText: 18 },
  care: { target: 48, lineHeight: 1.5, bodyText: 20 },
} as const;

/** What the in-page checks use of the browser (the tests compile without the DOM library). */
interface El {
  readonly tagName: string;
  readonly id: string;
  readonly className: unknown;
  readonly textContent: string | null;
  readonly nextElementSibling: El | null;
  getBoundingClientRect(): {
    width: number;
    height: number;
    left: number;
    top: number;
    right: number;
    bottom: number;
  };
  closest(selector: string): El | null;
}
export interface Win {
  readonly document: {
    querySelectorAll(selector: string): ArrayLike<El>;
    readonly scrollingElement: { scrollWidth: number } | null;
    readonly documentElement: { dataset: Record<string, string | undefined> };
  };
  readonly innerWidth: number;
  getComputedStyle(e: El): { lineHeight: string; fontSize: string; visibility: string; marginBottom: string };
}

interface Measured {
  readonly smallTargets: string[];
  readonly overlapping: string[];
  readonly crowded: string[];
  readonly tightLines: string[];
  readonly smallText: string[];
  readonly closeParagraphs: string[];
}

/** Measures the page as it is drawn (in the browser: boxes, computed styles). */
function measure(page: Page, mode: Mode): Promise<Measured> {
  return page.evaluate(
    ({ target, lineHeight, bodyText, care }) => {
      const w = globalThis as unknown as Win;
      const describe = (e: El) =>
        `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).replace(/\s+/g, '.')}` : ''} "${(e.textContent ?? '').trim().slice(0, 20)}"`;
      const shown = (e: El) => {
        const box = e.getBoundingClientRect();
        const style = w.getComputedStyle(e);
        // Off-screen until focused (the skip link) and visually hidden text are not targets on view.
        return (
          box.width > 0 &&
          box.height > 0 &&
          box.right > 0 &&
          style.visibility !== 'hidden' &&
          !e.closest('.visually-hidden')
        );
      };
      // With a modal open (the captcha, the policy dialog) the page behind it cannot be reached:
      // only the modal's targets count.
      const modal = Array.from(w.document.querySelectorAll('[aria-modal="true"], dialog[open]')).find(shown);
      const reachable = (e: El) => !modal || e.closest('[aria-modal="true"], dialog[open]') === modal;
      const smallTargets = Array.from(
        w.document.querySelectorAll('a[href], button, input, select, textarea, summary, [role="button"]'),
      )
        .filter(shown)
        .filter(reachable)
        .filter((e) => {
          const box = e.getBoundingClientRect();
          return box.width < target - 0.5 || box.height < target - 0.5;
        })
        .map(
          (e) =>
            `${describe(e)} ${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)}`,
        );
      // Targets drawn over one another (a crowded header): tapping one may hit the other.
      const targets = Array.from(
        w.document.querySelectorAll('a[href], button, input, select, textarea, summary, [role="button"]'),
      )
        .filter(shown)
        .filter(reachable);
      const overlapping: string[] = [];
      const crowded: string[] = [];
      targets.forEach((a, i) => {
        const p = a.getBoundingClientRect();
        for (const b of targets.slice(i + 1)) {
          const q = b.getBoundingClientRect();
          const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
          const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
          if (x > 1 && y > 1) overlapping.push(`${describe(a)} over ${describe(b)}`);
          // Touching targets: a shaking finger lands on the neighbour (at least 8 px apart).
          else if (Math.max(-x, -y) < 8 - 0.5) crowded.push(`${describe(a)} by ${describe(b)}`);
        }
      });
      const texts = Array.from(
        w.document.querySelectorAll('p, label, li, dt, dd, legend, h1, h2, h3, a, button, input, select'),
      ).filter(shown);
      // `normal` is the font's own spacing, about 1.2: never enough.
      const ratio = (e: El) => {
        const style = w.getComputedStyle(e);
        const size = Number.parseFloat(style.fontSize);
        return style.lineHeight === 'normal' ? 1.2 : Number.parseFloat(style.lineHeight) / size;
      };
      const tightLines = texts
        .filter((e) => ratio(e) < lineHeight - 0.01)
        .map((e) => `${describe(e)} ${w.getComputedStyle(e).lineHeight}/${w.getComputedStyle(e).fontSize}`);
      const smallText = texts
        // The captcha is the provider's widget (Tencent's in production, its stand-in here): its
        // text sizes are not ours to set; its targets and reach are checked like ours.
        .filter((e) => !e.closest('.code, .badge, .tcaptcha'))
        .filter((e) => Number.parseFloat(w.getComputedStyle(e).fontSize) < bodyText - 0.01)
        .map((e) => `${describe(e)} ${w.getComputedStyle(e).fontSize}`);
      const closeParagraphs = care
        ? Array.from(w.document.querySelectorAll('main p:not(:empty):not(.hint):not(.error)'))
            .filter(shown)
            .filter((p) => p.nextElementSibling)
            .filter((p) => {
              const style = w.getComputedStyle(p);
              return Number.parseFloat(style.marginBottom) < 1.3 * Number.parseFloat(style.lineHeight) - 0.5;
            })
            .map(describe)
        : [];
      return { smallTargets, overlapping, crowded, tightLines, smallText, closeParagraphs };
    },
    { ...rules[mode], care: mode === 'care' },
  );
}

/** What sticks out of the screen sideways (empty: no horizontal scroll), the outermost first. */
const sticksOut = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as Win;
    if ((w.document.scrollingElement?.scrollWidth ?? 0) <= w.innerWidth + 1) return [];
    return Array.from(w.document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > w.innerWidth + 1 && !e.closest('.visually-hidden'))
      .slice(0, 5)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} "${(e.textContent ?? '').trim().slice(0, 24)}" right ${Math.round(e.getBoundingClientRect().right)}`,
      );
  });

/** axe-core over the whole page: WCAG 2.0/2.1 A and AA, and its best practices. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over CDP: the page's content security policy (script-src 'self') stays as shipped.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            c: unknown,
            o: unknown,
          ) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }>;
        };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as Win).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

export interface ScreenReport {
  readonly screen: string;
  readonly axe: string[];
  readonly measured: Measured;
  readonly scroll320: string[];
  readonly scrollAt200: string[];
}

/** Every check on the screen now shown; a screenshot of it at 390 px. */
export async function checkScreen(
  page: Page,
  name: string,
  mode: Mode,
  screen: string,
): Promise<ScreenReport> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(screenshots, `a11y-${name}-${screen}.png`), fullPage: true });
  const axe = await axeViolations(page);
  const measured = await measure(page, mode);
  await page.setViewportSize({ width: 320, height: 720 });
  const scroll320 = await sticksOut(page);
  // 200 % text: the reader's own text size doubled, as the browser's setting does it.
  await page.setViewportSize({ width: 390, height: 844 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
  const scrollAt200 = await sticksOut(page);
  if (mode === 'normal')
    await page.screenshot({ path: join(screenshots, `a11y-200pct-${name}-${screen}.png`), fullPage: true });
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16, fixed: 13 } });
  await cdp.detach();
  return { screen, axe, measured, scroll320, scrollAt200 };
}

export const clean = (report: ScreenReport) => ({
  screen: report.screen,
  axe: report.axe,
  ...report.measured,
  scroll320: report.scroll320,
  scrollAt200: report.scrollAt200,
});
export const perfect = (screen: string) => ({
  screen,
  axe: [],
  smallTargets: [],
  overlapping: [],
  crowded: [],
  tightLines: [],
  smallText: [],
  closeParagraphs: [],
  scroll320: [],
  scrollAt200: [],
});

/** Shows the screen in the given mode in place, as the header's switch does (the choice is not stored). */
async function drawIn(page: Page, mode: Mode): Promise<void> {
  await page.evaluate(
    (care) => {
      (globalThis as unknown as Win).document.documentElement.dataset.care = care;
    },
    mode === 'care' ? 'on' : 'off',
  );
}

/**
 * Every check on the screen now shown, in the normal mode and in care mode, with a screenshot of
 * each: the screen as it is reached in a flow (an error, a dialog, a provider's return), not only
 * as a link opens it. Leaves the screen in the mode the person chose, at 390 x 844.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const chosen = await page.evaluate(
    () => (globalThis as unknown as Win).document.documentElement.dataset.care ?? 'off',
  );
  const reports: ScreenReport[] = [];
  for (const mode of ['normal', 'care'] as const) {
    await drawIn(page, mode);
    reports.push(await checkScreen(page, `walk-${mode}`, mode, screen));
  }
  await drawIn(page, chosen === 'on' ? 'care' : 'normal');
  const named = reports.map((r, i) => ({ ...clean(r), screen: `${screen} (${i ? 'care' : 'normal'})` }));
  expect(named).toEqual(named.map((r) => perfect(r.screen)));
}

/**
 * screenshots/index.html: each screen in the normal mode beside care mode (and at 200 % text
 * where taken), for a person to look at; the checks above are what hold the rules.
 */
export function writeGallery(): void {
  const files = readdirSync(screenshots).filter((f) => /^a11y-.*\.png$/.test(f));
  const rows = new Map<string, Record<string, string>>();
  for (const file of files) {
    const match = /^a11y-(200pct-)?(.*?)(normal|care)(-.*)\.png$/.exec(file);
    if (!match) continue;
    const [, bigText, before = '', mode = '', after = ''] = match;
    const key = `${before}${after}`.replace(/^-|-$/g, '');
    const row = rows.get(key) ?? {};
    row[bigText ? '200 %' : mode] = file;
    rows.set(key, row);
  }
  const columns = ['normal', 'care', '200 %'];
  const cell = (file?: string) =>
    file ? `<td><a href="${file}"><img src="${file}" width="240" alt=""></a></td>` : '<td></td>';
  const html = `<!doctype html><meta charset="utf-8"><title>Web client screens</title>
<style>body{font:16px/1.5 sans-serif}td{vertical-align:top;padding:4px}img{border:1px solid #ccc}</style>
<h1>Web client screens: normal, care mode (长辈版), 200 % text</h1>
<table><tr><th>screen</th>${columns.map((c) => `<th>${c}</th>`).join('')}</tr>
${[...rows.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([key, row]) => `<tr><th>${key}</th>${columns.map((c) => cell(row[c])).join('')}</tr>`)
  .join('\n')}
</table>
`;
  writeFileSync(join(screenshots, 'index.html'), html);
}
