import { describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load';
import { captureOutput } from '../helpers/capture-logs';

/**
 * A slot-release rush at CI size, over HTTP against the whole local API: 200 new numbers
 * registering with 100 requests in flight. Every request succeeds, no partition takes more than
 * 100 writes per 1,000 registrations, the audit chain verifies intact once the stream has caught
 * up, and the certified token key costs one root signature for the run.
 */
describe('rush', () => {
  it('registers 200 numbers, 100 at a time, with no 5xx, no hot key and an intact audit chain', async () => {
    const { result: report, output } = await captureOutput(() =>
      // A DynamoDB Local of its own: the run's shared one has served every other file's tables by
      // the time this one runs, and slowed under them (10 s answers, 500s, in full runs here).
      runLoad({ users: 200, concurrency: 100, flow: 'login' }),
    );
    expect(report.serverErrors, JSON.stringify(report.steps)).toBe(0);
    expect(report.failures).toBe(0);
    expect(report.steps.send?.statuses).toEqual({ '202': 200 });
    expect(report.steps.verify?.statuses).toEqual({ '200': 200 });
    // 200 logins, and the site's deployment put in force at start.
    expect(report.chain).toMatchObject({ entries: 201, pending: 0, problems: [], intact: true });
    expect(report.dynamo?.hottestKey.writesPer1000).toBeLessThanOrEqual(100);
    expect(report.dynamo?.capacityUnitsPerFlow).toBeLessThan(25);
    expect(report.tokenSigning?.kmsSignsPer1000Logins).toBeLessThanOrEqual(5);
    // Codes and numbers stay out of what the server logged under load.
    expect(output).not.toMatch(/"code":"\d{6}"/);
  }, 120_000);

  it('lets 400 people behind 4 addresses in, with production limits and an attacker among them: 0 refused wrongly', async () => {
    const { result: report } = await captureOutput(() =>
      runLoad({
        users: 400,
        concurrency: 100,
        flow: 'login',
        addresses: 4,
        prodLimits: true,
        attacker: true,
      }),
    );
    expect(report.serverErrors, JSON.stringify(report.steps)).toBe(0);
    expect(report.wrongfulRefusals, JSON.stringify(report.steps)).toBe(0);
    expect(report.steps.verify?.statuses).toEqual({ '200': 400 });
    // Two /24s of 200 people each: past each network's 5 free sends everyone met a captcha. The
    // count is read before a send lands, so up to the 100 in flight may pass free as well (and a
    // 10-minute window turning over mid-run frees 5 more per network).
    const free = report.steps.send?.statuses['202'] ?? 0;
    expect(free).toBeLessThanOrEqual(2 * 5 * 2 + 100);
    expect(report.captchasShown).toBeGreaterThanOrEqual(400 - free);
    expect(report.addresses).toHaveLength(4);
    // The attacker, never solving one, got no more than its network's free sends (5 per 10 minutes,
    // a few more when parallel sends read the count before it landed) and nothing else.
    expect(report.attacker?.requests).toBeGreaterThan(4);
    expect(report.attacker?.smsSent).toBeLessThanOrEqual(5);
    expect(report.attacker?.refused).toBe((report.attacker?.requests ?? 0) - (report.attacker?.smsSent ?? 0));
    // 400 logins, and the site's deployment put in force at start.
    expect(report.chain).toMatchObject({ entries: 401, pending: 0, problems: [], intact: true });
  }, 180_000);
});
