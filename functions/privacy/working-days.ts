import type { WorkingDayCalendar } from '../core/config';

const DAY_MS = 24 * 3600 * 1000;
/** Working days are Beijing days (UTC+8, no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

export function isWorkingDay(day: string, calendar: WorkingDayCalendar): boolean {
  if (calendar.workdays.includes(day)) return true;
  if (calendar.holidays.includes(day)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * When a request received at `receivedAt` falls due: the end (Beijing time) of the `count`th
 * working day after the day it arrived, so a request made on a Friday evening or during the
 * Spring Festival still gets its full number of working days.
 */
export function dueAfterWorkingDays(receivedAt: number, count: number, calendar: WorkingDayCalendar): number {
  let dayStart = Math.floor((receivedAt + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS;
  let left = count;
  while (left > 0) {
    dayStart += DAY_MS;
    if (isWorkingDay(new Date(dayStart).toISOString().slice(0, 10), calendar)) left--;
  }
  return dayStart + DAY_MS - 1 - BEIJING_OFFSET_MS;
}

/** Whether the calendar knows the holidays of every year a due date computed now could reach. */
export function calendarCovers(calendar: WorkingDayCalendar, from: number, to: number): boolean {
  const first = new Date(from + BEIJING_OFFSET_MS).getUTCFullYear();
  const last = new Date(to + BEIJING_OFFSET_MS).getUTCFullYear();
  for (let year = first; year <= last; year++) if (!calendar.years.includes(year)) return false;
  return true;
}
