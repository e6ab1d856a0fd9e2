import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { outboxMessages } from '../../bin/local/outbox';

/** Debian's Chromium, headless (the CI installs it; CHROMIUM_PATH overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Clicks a send button and returns the code of that SMS from the local sender's outbox. */
export async function sendAndRead(
  dataDir: string,
  phone: string,
  click: () => Promise<void>,
): Promise<string> {
  const codesFor = () => outboxMessages(dataDir, `+86${phone}`).map((m) => m.code);
  const before = codesFor().length;
  await click();
  await expect.poll(() => codesFor().length, { timeout: 5000 }).toBeGreaterThan(before);
  return codesFor()[before] as string;
}

/** The login screen as a person uses it: phone, code, the policy and both separate consents. */
export async function logInByPhone(page: Page, dataDir: string, phone: string): Promise<void> {
  await page.getByLabel('手机号').fill(phone);
  const code = await sendAndRead(dataDir, phone, () =>
    page.getByRole('button', { name: '获取验证码' }).click(),
  );
  await finishLogin(page, code);
}

/** The second half of the login screen: the code, the policy and both separate consents. */
export async function finishLogin(page: Page, code: string): Promise<void> {
  await page.getByLabel('验证码').fill(code);
  for (const id of ['acceptPolicy', 'consent_sensitive_identity', 'consent_medical_card'])
    await page.locator(`#f-${id}`).check();
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('heading', { name: '我的账号' }).waitFor();
}
