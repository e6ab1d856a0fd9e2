import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../bin/local/runtime';
import { buildWebClient } from '../../bin/local/web-build';
import {
  checkScreen,
  clean,
  perfect,
  type ScreenReport,
  screenshots as shots,
  type Win,
  writeGallery,
} from '../helpers/a11y';
import { launchChromium, logInByPhone, sendAndRead } from '../helpers/browser';
import { useRuntime } from '../helpers/deps';

/**
 * The reference web client against MIIT's ageing-friendly rules and WCAG 2.1 AA, screen by screen,
 * in the normal mode and in care mode (关怀模式), on a 390 x 844 phone: axe finds nothing, every
 * target is at least 44 x 44 px (48 in care mode), text and line heights are large enough, and
 * nothing scrolls sideways at 320 px or at 200 % text.
 */

let runtime: LocalRuntime;
let dataDir: string;
let webDir: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'po-e2e-a11y-'));
  webDir = await buildWebClient();
  runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `e2e-a11y-${Date.now()}`,
    webDir,
    jobs: { deletionsMs: 0, retentionMs: 0 },
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  writeGallery();
  await browser?.close();
  await runtime?.stop();
});

/** Each screen's heading, in the two languages the client speaks. */
const headings = {
  'zh-CN': {
    login: '手机号登录',
    home: '我的账号',
    identity: '实名认证',
    cards: '就诊卡',
    privacy: '隐私中心',
    notices: '消息',
  },
  en: {
    login: 'Log in with your phone',
    home: 'My account',
    identity: 'Real-name verification',
    cards: 'Medical cards',
    privacy: 'Privacy centre',
    notices: 'Notices',
  },
} as const;

const passes = [
  ['normal', 'zh-CN', '13700005011'],
  ['care', 'zh-CN', '13700005012'],
  ['normal', 'en', '13700005013'],
  ['care', 'en', '13700005014'],
] as const;

describe.each(passes)('the web client in %s mode, %s', (mode, language, phone) => {
  it('passes every check on every screen of a patient’s way', async () => {
    const heading = headings[language];
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${runtime.url}/`);
    await page.getByRole('heading', { name: headings['zh-CN'].login }).waitFor();
    if (language === 'en') {
      await page.locator('#lang').click();
      await page.getByRole('heading', { name: heading.login }).waitFor();
    }
    if (mode === 'care') {
      // Reachable from the first screen, and kept across visits.
      const toggle = page.locator('#care');
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await page.reload();
      await page.getByRole('heading', { name: heading.login }).waitFor();
      expect(
        await page.evaluate(() => (globalThis as unknown as Win).document.documentElement.dataset.care),
      ).toBe('on');
    }
    const name = `${mode}-${language}`;
    const reports: ScreenReport[] = [];
    reports.push(await checkScreen(page, name, mode, 'login'));

    // The captcha a virtual-operator number meets under production rules, with its alternative.
    const rules = useRuntime({
      env: runtime.env,
      config: (local) => ({ ...local, auth: { ...local.auth, exemptLoopback: false } }),
    });
    try {
      await page.locator('input[name="phone"]').fill(`1701234${phone.slice(-4)}`);
      await page.locator('form[data-form="phone"] button[type="submit"]').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      reports.push(await checkScreen(page, name, mode, 'captcha'));
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
    } finally {
      rules.restore();
    }
    await page.reload();
    await page.getByRole('heading', { name: heading.login }).waitFor();

    await page.locator('input[name="phone"]').fill(phone);
    const code = await sendAndRead(dataDir, phone, () =>
      page.locator('form[data-form="phone"] button[type="submit"]').click(),
    );
    await page.locator('input[name="code"]').waitFor();
    reports.push(await checkScreen(page, name, mode, 'login-code'));
    // A wrong code: the problem, what to do next, on a screen that must pass as well.
    await page.locator('input[name="code"]').fill(code === '000000' ? '111111' : '000000');
    await page.locator('#f-acceptPolicy').check();
    await page.locator('form[data-form="code"] button[type="submit"]').click();
    await page.locator('.problem').waitFor();
    reports.push(await checkScreen(page, name, mode, 'login-wrong-code'));
    await page.locator('input[name="code"]').fill(code);
    for (const id of ['consent_sensitive_identity', 'consent_medical_card'])
      await page.locator(`#f-${id}`).check();
    await page.locator('form[data-form="code"] button[type="submit"]').click();
    await page.getByRole('heading', { name: heading.home, level: 1 }).waitFor();
    reports.push(await checkScreen(page, name, mode, 'home'));
    for (const screen of ['identity', 'cards', 'privacy', 'notices'] as const) {
      await page.evaluate((hash) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
      }, `#/${screen}`);
      await page.getByRole('heading', { name: heading[screen], level: 1 }).waitFor();
      reports.push(await checkScreen(page, name, mode, screen));
    }
    // What was measured, beside the screenshots (the before/after figures of the closing note).
    writeFileSync(join(shots, `a11y-${name}.json`), `${JSON.stringify(reports.map(clean), null, 2)}\n`);
    expect(reports.map(clean)).toEqual(reports.map((r) => perfect(r.screen)));
    await context.close();
  }, 180_000);
});

describe('mistakes designed out', () => {
  it('puts a field error on its field, in words, from the server’s issue code', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${runtime.url}/`);
    await page.getByLabel('手机号').fill('1380013');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.locator('.problem').waitFor();
    expect(await page.getByLabel('手机号').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-phone-error').textContent()).toBe(
      '请输入 11 位中国大陆手机号，如 13800138000',
    );
    await context.close();
  });

  it('chooses 本人 for the first card, asks the insurance type, and asks the relationship of the next', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${runtime.url}/`);
    await logInByPhone(page, dataDir, '13700004343');
    await page.getByRole('navigation').getByRole('link', { name: '就诊卡', exact: true }).click();
    const relationship = page.getByLabel('与本人关系');
    const insurance = page.getByLabel('医保类型');
    expect(await relationship.inputValue()).toBe('01');
    expect(await insurance.inputValue()).toBe('');
    // 本人 comes first among the answers, in the code table's order (01 before 10).
    const answers = await relationship.locator('option').allTextContents();
    expect(answers.slice(0, 3)).toEqual(['请选择', '本人', '配偶']);
    await page.getByLabel('姓名').fill('张三');
    await page.getByRole('button', { name: '提交' }).click();
    expect(await page.locator('#f-insuranceType-error').textContent()).toBe('请选择一项');
    expect(await insurance.getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });
});

describe('the built client', () => {
  it('ships no developer text: no local paths, no outbox', () => {
    const assets = readdirSync(join(webDir, 'assets'));
    for (const file of assets.filter((f) => /\.(js|css)$/.test(f))) {
      const text = readFileSync(join(webDir, 'assets', file), 'utf8');
      expect(text, file).not.toContain('.data/');
      expect(text, file).not.toContain('outbox');
    }
    expect(readFileSync(join(webDir, 'index.html'), 'utf8')).not.toContain('outbox');
  });
});
