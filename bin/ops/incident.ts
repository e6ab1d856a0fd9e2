import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AuditEntries,
  type Cause,
  closeIncident,
  draftReport,
  type IncidentDeps,
  type IncidentRecord,
  IncidentRefused,
  incidentBrief,
  notify,
  openIncident,
  reportClock,
  reportMarkdown,
  reportSubmitted,
  scope,
} from '../../functions/incident';

export const INCIDENT_USAGE = `usage: npm run incident -- <command>
  open --file BRIEF.json                      open an incident (the 4-hour clock starts at discoveredAt)
  scope ID --from ISO --to ISO (--client ID | --hospital ID | --event NAME)
                                              who the cause reached, by kind of information (counts only)
  notify ID [--out DIR]                       each affected person's notice into their inbox (SMS follows),
                                              and the public announcement written to DIR
  report ID [--out DIR] | report ID --submitted CHANNEL
                                              draft the regulator's report / record that it was sent
  status                                      open incidents and their report clocks
  close ID                                    close it (the summary report is due in 30 days)`;

export interface IncidentCommandDeps extends IncidentDeps {
  readonly audit: AuditEntries;
  readonly by: string;
  /** Where drafts and announcements go unless `--out` says (one folder per incident). */
  readonly outDir: string;
  /** What the report says of the system, besides the brief's organisation. */
  readonly system: string;
  readonly print: (line: string) => void;
}

const iso = (at: number) => new Date(at).toISOString();

function clockLine(incident: IncidentRecord, now: number): string {
  const clock = reportClock(incident, now);
  if (clock.state === 'not_required') return 'report: not required (一般)';
  if (clock.state === 'submitted') return `report: submitted ${iso(incident.reportSubmittedAt ?? now)}`;
  return `report: due ${iso(clock.dueAt)} (${clock.minutesLeft} min left, ${clock.state})`;
}

function causeOf(values: { client?: string; hospital?: string; event?: string }): Cause {
  const given = [
    values.client === undefined ? [] : [{ kind: 'client' as const, clientId: values.client }],
    values.hospital === undefined ? [] : [{ kind: 'hospital' as const, hospitalId: values.hospital }],
    values.event === undefined ? [] : [{ kind: 'event' as const, event: values.event }],
  ].flat();
  if (given.length !== 1) throw new IncidentRefused('name one cause: --client, --hospital or --event');
  return given[0] as Cause;
}

function timeOf(value: string | undefined, flag: string): number {
  const at = value === undefined ? Number.NaN : Date.parse(value);
  if (Number.isNaN(at)) throw new IncidentRefused(`--${flag} needs an ISO time`);
  return at;
}

/**
 * `npm run incident`: every step audited in the table, nothing personal printed (counts, kinds,
 * ids of incidents and clients only). Returns the exit code.
 */
export async function runIncidentCommand(
  argv: readonly string[],
  deps: IncidentCommandDeps,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      client: { type: 'string' },
      hospital: { type: 'string' },
      event: { type: 'string' },
      out: { type: 'string' },
      submitted: { type: 'string' },
    },
  });
  const [command, incidentId] = positionals;
  const print = deps.print;
  const needId = () => {
    if (!incidentId) throw new IncidentRefused(`${command} needs an incident id`);
    return incidentId;
  };
  const folder = (id: string) => {
    const dir = values.out ?? join(deps.outDir, id);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  try {
    switch (command) {
      case 'open': {
        if (!values.file) throw new IncidentRefused('open needs --file BRIEF.json');
        const parsed = incidentBrief.safeParse(JSON.parse(readFileSync(values.file, 'utf8')));
        if (!parsed.success)
          throw new IncidentRefused(
            `the brief does not hold: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        const record = await openIncident(deps, parsed.data, deps.by);
        print(`opened ${record.incidentId} (${parsed.data.grade}), discovered ${iso(record.discoveredAt)}`);
        print(clockLine(record, deps.clock.now().getTime()));
        return 0;
      }
      case 'scope': {
        const id = needId();
        const found = await scope(
          deps,
          id,
          causeOf(values),
          { from: timeOf(values.from, 'from'), to: timeOf(values.to, 'to') },
          deps.by,
        );
        print(`${found.affected.length} people affected`);
        for (const [kind, count] of Object.entries(found.byKind)) print(`  ${kind.padEnd(14)} ${count}`);
        print(
          `audit entries: ${found.entriesRead} in the window, ${found.entriesMatched} from this cause, ${found.entriesUntrusted} with a MAC that does not verify`,
        );
        print(`audit chain: ${found.chainVerdict}`);
        return 0;
      }
      case 'notify': {
        const id = needId();
        const outcome = await notify(deps, id, deps.by);
        const dir = folder(id);
        writeFileSync(join(dir, 'announcement.zh-CN.md'), outcome.announcement.zh);
        writeFileSync(join(dir, 'announcement.en.md'), outcome.announcement.en);
        print(
          `${outcome.notices} notices in the inbox (${outcome.newNotices} new); SMS follow within a minute`,
        );
        print(`public announcement (for where telling each person is impractical): ${dir}/announcement.*.md`);
        return 0;
      }
      case 'report': {
        const id = needId();
        if (values.submitted !== undefined) {
          await reportSubmitted(deps, id, values.submitted, deps.by);
          print(`report for ${id} recorded as submitted via ${values.submitted}`);
          return 0;
        }
        const incident = await deps.store.get(id);
        if (!incident) throw new IncidentRefused(`no incident ${id}`);
        const draft = await draftReport(
          deps,
          id,
          { operator: incident.brief.organisation, description: deps.system },
          deps.by,
        );
        const dir = folder(id);
        writeFileSync(join(dir, 'report.md'), reportMarkdown(draft));
        writeFileSync(join(dir, 'report.json'), `${JSON.stringify(draft, null, 2)}\n`);
        print(
          `report drafted: ${dir}/report.md (${draft.items.filter((i) => i.pending).length} item(s) to follow)`,
        );
        print(`to: ${draft.recipients.join('; ')}`);
        print(`due ${draft.dueAt}: ${draft.clock}, ${draft.minutesLeft} min left`);
        return 0;
      }
      case 'status': {
        const now = deps.clock.now().getTime();
        const open = await deps.store.listOpen();
        for (const incident of open) {
          print(
            `${incident.incidentId}  ${incident.brief.grade}  opened ${iso(incident.openedAt)}  people ${incident.scope?.people ?? '?'}  notices ${incident.noticesSent ?? 0}  sms ${incident.smsSent ?? 0}/${incident.smsUnreachable ?? 0} unreachable  ${clockLine(incident, now)}`,
          );
        }
        print(`${open.length} open incident(s)`);
        return 0;
      }
      case 'close': {
        const id = needId();
        const closed = await closeIncident(deps, id, deps.by);
        print(`${id} ${closed.outcome}; the summary report is due by ${closed.summaryDueAt}`);
        return 0;
      }
      default:
        print(INCIDENT_USAGE);
        return 2;
    }
  } catch (error) {
    if (error instanceof IncidentRefused) {
      print(`refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
