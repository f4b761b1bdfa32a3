/** Date arithmetic for the publication calendar, in the browser's local time (weeks start on Monday). */

export type CalendarView = 'month' | 'week';

const DAY = 86_400_000;

export const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
export const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
export const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** The Monday of the date's week. */
export function startOfWeek(d: Date): Date {
  const day = startOfDay(d);
  return addDays(day, -((day.getDay() + 6) % 7));
}

/** A local day's key, for grouping (YYYY-MM-DD). */
export const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The days a view shows around `anchor`: the week (7 days from its Monday), or the month's whole weeks (from
 * the Monday on or before the 1st to the Sunday on or after its last day).
 */
export function visibleDays(view: CalendarView, anchor: Date): Date[] {
  if (view === 'week') {
    const monday = startOfWeek(anchor);
    return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const last = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const from = startOfWeek(first);
  // Days, rounded: a change of summer time makes one of them 23 or 25 hours long.
  const days = Math.round((last.getTime() - from.getTime()) / DAY) + 1;
  return Array.from({ length: Math.ceil(days / 7) * 7 }, (_, i) => addDays(from, i));
}

/** The anchor one view earlier or later. */
export function shift(view: CalendarView, anchor: Date, by: -1 | 1): Date {
  return view === 'week' ? addDays(anchor, 7 * by) : new Date(anchor.getFullYear(), anchor.getMonth() + by, 1);
}

/** A date as a datetime-local input writes it (local time, to the minute). */
export const localInput = (d: Date) =>
  new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
