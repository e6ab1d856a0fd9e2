import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { windDown } from '../../functions/core/deployment';
import type { ApplyOutcome, StoredDeployment } from '../../functions/platform/deployment-source';

export const WIND_DOWN_USAGE = `usage: npm run wind-down -- <command>
  announce --file ANNOUNCEMENT.json   announce the end of the service (the text, stopsAt, erasesAt)
  stop                                stop collecting now: every collecting route answers 503
  status                              where the wind-down stands`;

/** What `announce --file` reads: the text people are shown, and the dates. */
const announcementFile = z.strictObject({
  announcement: windDown.shape.announcement,
  stopsAt: windDown.shape.stopsAt,
  erasesAt: windDown.shape.erasesAt,
});

export interface WindDownDeps {
  readonly now: () => number;
  readonly current: () => Promise<StoredDeployment | undefined>;
  readonly apply: (next: StoredDeployment['deployment']) => Promise<ApplyOutcome>;
  readonly print: (line: string) => void;
}

const iso = (at: number) => new Date(at).toISOString();

/**
 * `npm run wind-down`: the privacy policy's promise when the service ends (stop collecting at
 * once, tell every user, delete what we hold). The state lives in the deployment in the table,
 * versioned and audited like any change to it, and every function reads it within the stage's
 * refresh time. Returns the exit code.
 */
export async function runWindDownCommand(argv: readonly string[], deps: WindDownDeps): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { file: { type: 'string' } },
  });
  const [command] = positionals;
  const stored = await deps.current();
  if (!stored) {
    deps.print('refused: no deployment in the table (npm run deployment -- apply first)');
    return 1;
  }
  const state = stored.deployment.windDown;
  const applied = (outcome: ApplyOutcome, what: string) => {
    if (!outcome.applied) {
      deps.print(`refused: the deployment changed meanwhile (${outcome.reason}); run it again`);
      return 1;
    }
    deps.print(`${what}: deployment version ${outcome.version}, in force everywhere within the refresh time`);
    return 0;
  };
  switch (command) {
    case 'announce': {
      if (state?.stoppedAt) {
        deps.print(`refused: the service stopped at ${state.stoppedAt}`);
        return 1;
      }
      if (!values.file) {
        deps.print('refused: announce needs --file ANNOUNCEMENT.json');
        return 1;
      }
      const parsed = announcementFile.safeParse(JSON.parse(readFileSync(values.file, 'utf8')));
      if (!parsed.success) {
        deps.print(
          `refused: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
        return 1;
      }
      const now = deps.now();
      const { stopsAt, erasesAt } = parsed.data;
      if (!(Date.parse(stopsAt) >= now && Date.parse(erasesAt) > Date.parse(stopsAt))) {
        deps.print('refused: stopsAt must be from now on, and erasesAt after it');
        return 1;
      }
      return applied(
        await deps.apply({
          ...stored.deployment,
          windDown: { ...parsed.data, announcedAt: state?.announcedAt ?? iso(now) },
        }),
        `announced: collecting stops ${stopsAt}, erasure ${erasesAt}`,
      );
    }
    case 'stop': {
      if (!state) {
        deps.print('refused: announce first (people are told before collecting stops)');
        return 1;
      }
      if (state.stoppedAt) {
        deps.print(`already stopped at ${state.stoppedAt}`);
        return 0;
      }
      return applied(
        await deps.apply({ ...stored.deployment, windDown: { ...state, stoppedAt: iso(deps.now()) } }),
        'stopped',
      );
    }
    case 'status':
      deps.print(
        !state
          ? 'running'
          : `${state.stoppedAt ? `stopped at ${state.stoppedAt}` : `announced ${state.announcedAt}, stops ${state.stopsAt}`}; erasure ${state.erasesAt}`,
      );
      return 0;
    default:
      deps.print(WIND_DOWN_USAGE);
      return 2;
  }
}
