import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stages } from '../../../functions/core/config';
import { calendarCovers, dueAfterWorkingDays, isWorkingDay } from '../../../functions/privacy/working-days';

const calendar = stages.prod.privacy.calendar;
const beijingDay = (ms: number) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);

describe('working days (mainland calendar)', () => {
  it('knows the 2026 holidays and the weekends worked in their place', () => {
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false); // National Day, a Thursday
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true); // a Saturday worked
    expect(isWorkingDay('2026-02-14', calendar)).toBe(true); // a Saturday worked before the Spring Festival
    expect(isWorkingDay('2026-02-23', calendar)).toBe(false); // the Spring Festival's last day, a Monday
    expect(isWorkingDay('2026-11-28', calendar)).toBe(false); // an ordinary Saturday
    expect(isWorkingDay('2026-11-30', calendar)).toBe(true);
  });

  it('counts 15 working days from the day after receipt, to the end of the day in Beijing', () => {
    // Sunday 29 November 2026: day 1 is Monday 30 November, day 15 Friday 18 December.
    const sunday = Date.parse('2026-11-29T10:00:00+08:00');
    expect(new Date(dueAfterWorkingDays(sunday, 15, calendar)).toISOString()).toBe(
      '2026-12-18T15:59:59.999Z',
    );
    // Just before midnight in Beijing is still that day; just after is the next.
    expect(beijingDay(dueAfterWorkingDays(Date.parse('2026-11-30T23:59:00+08:00'), 1, calendar))).toBe(
      '2026-12-01',
    );
    expect(beijingDay(dueAfterWorkingDays(Date.parse('2026-12-01T00:01:00+08:00'), 1, calendar))).toBe(
      '2026-12-02',
    );
  });

  it('skips the Spring Festival and counts the Saturdays worked around it', () => {
    // Friday 13 February: 14 Feb (Sat, worked) = 1, 15–23 off, 24–27 = 2–5, 28 Feb (Sat, worked) = 6, ... 12 March = 15.
    const due = dueAfterWorkingDays(Date.parse('2026-02-13T18:00:00+08:00'), 15, calendar);
    expect(beijingDay(due)).toBe('2026-03-12');
  });

  it('always ends on a working day at least as many calendar days away', () => {
    const from = Date.parse('2026-01-01T00:00:00+08:00');
    const to = Date.parse('2026-11-30T00:00:00+08:00');
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 1, max: 30 }), (received, count) => {
        const due = dueAfterWorkingDays(received, count, calendar);
        expect(isWorkingDay(beijingDay(due), calendar)).toBe(true);
        expect(due - received).toBeGreaterThan((count - 1) * 24 * 3600 * 1000);
        // One working day fewer ends strictly earlier.
        if (count > 1) expect(dueAfterWorkingDays(received, count - 1, calendar)).toBeLessThan(due);
      }),
    );
  });

  it('says when a due date reaches a year whose holidays are not yet configured', () => {
    expect(calendarCovers(calendar, Date.parse('2026-11-29'), Date.parse('2026-12-18'))).toBe(true);
    expect(calendarCovers(calendar, Date.parse('2026-12-20'), Date.parse('2027-01-12'))).toBe(false);
  });
});
