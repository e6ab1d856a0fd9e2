import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { checkCapacity, costPerThousand, type Template } from '../../bin/capacity/check';
import { designFlows, loginVerifyFlow } from '../../bin/capacity/rush';
import { stageConfig } from '../../functions/core/config';
import { testApp } from '../helpers/cdk';

const bench = resolve(import.meta.dirname, '..', '..', 'bench', 'results', 'latest.json');
const prod = stageConfig('prod');

function prodTemplates(): Template[] {
  return buildApp(testApp())
    .app.synth()
    .stacks.map((s) => s.template as Template);
}

describe('npm run capacity: the prod stage against the design rush', () => {
  const templates = prodTemplates();
  const flows = designFlows(bench);

  it('holds every flow of the rush at every layer the templates set', () => {
    const { verdicts } = checkCapacity(prod, templates, flows);
    expect(verdicts.map((v) => v.flow)).toEqual([
      'code sends',
      'code verifies',
      'token refreshes',
      'authorized reads',
      'card creations',
      'real-name checks',
    ]);
    for (const v of verdicts)
      expect(v.holds, `${v.flow}: ${v.bottleneck.layer} ${v.bottleneck.how}`).toBe(true);
  });

  it('fails a flow the stack cannot carry, naming the layer (the stage throttle as it was: 200/s)', () => {
    const throttled = structuredClone(templates);
    for (const t of throttled) {
      for (const r of Object.values(t.Resources)) {
        if (r.Type !== 'AWS::ApiGateway::Stage') continue;
        for (const s of (r.Properties?.MethodSettings ?? []) as Array<Record<string, unknown>>) {
          if (s.ResourcePath === '/*') s.ThrottlingRateLimit = 200;
        }
      }
    }
    const { verdicts } = checkCapacity(prod, throttled, flows);
    const sends = verdicts.find((v) => v.flow === 'code sends');
    expect(sends?.holds).toBe(false);
    expect(sends?.bottleneck.layer).toBe('stage throttle');
    expect(Math.floor(sends?.bottleneck.perSecond ?? 0)).toBe(12);
  });

  it('finds an unwarmed table short of the rush writes', () => {
    const cold = structuredClone(templates);
    for (const t of cold) {
      for (const r of Object.values(t.Resources)) {
        if (r.Type === 'AWS::DynamoDB::Table') delete r.Properties?.WarmThroughput;
      }
    }
    const { verdicts } = checkCapacity(prod, cold, flows);
    const verifies = verdicts.find((v) => v.flow === 'code verifies');
    expect(verifies?.holds).toBe(false);
    expect(verifies?.bottleneck.layer).toBe('DynamoDB table writes');
  });

  it('prices each flow per 1,000 in yuan, SMS the bulk of a login', () => {
    const costs = costPerThousand(templates, prod, flows, loginVerifyFlow(bench));
    const login = costs.find((c) => c.flow.startsWith('login'));
    expect(login?.parts.sms).toBeCloseTo(45, 5);
    expect(login?.yuan).toBeGreaterThan(45);
    const refresh = costs.find((c) => c.flow === 'refresh');
    expect(refresh?.yuan).toBeGreaterThan(0);
    expect(refresh?.yuan).toBeLessThan(1);
  });
});
