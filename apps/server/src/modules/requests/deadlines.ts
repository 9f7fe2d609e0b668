import type { Regime } from '@custodian/contracts';
import { DateTime } from 'luxon';

/**
 * Legal deadlines of data-subject requests, computed in the controller's time zone (a request received at
 * 23:30 in Berlin on the 31st was received on the 31st, whatever UTC says):
 * - GDPR Art. 12(3): one month from receipt, to the same date of the next month or, when that month is
 *   shorter, its last day (Regulation 1182/71); a deadline on a Saturday or Sunday moves to the Monday.
 *   Extendable once by two further months (three from receipt).
 * - CCPA (Cal. Civ. Code § 1798.130, regs § 7021): 45 calendar days, extendable once by 45 more (90 from
 *   receipt); receipt confirmed within 10 business days.
 * A deadline is the end of its day in that zone. Public holidays are not known here and not skipped.
 */
export interface Deadlines {
  dueAt: Date;
  extendedDueAt: Date;
  acknowledgeBy: Date | null;
}

const endOfDay = (d: DateTime): DateTime => d.endOf('day');

/** Saturday and Sunday roll forward to Monday. */
function nextWorkingDay(d: DateTime): DateTime {
  if (d.weekday === 6) return d.plus({ days: 2 });
  if (d.weekday === 7) return d.plus({ days: 1 });
  return d;
}

export function addBusinessDays(start: DateTime, days: number): DateTime {
  let d = start;
  let left = days;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (d.weekday <= 5) left--;
  }
  return d;
}

export function deadlinesFor(regime: Regime, receivedAt: Date, zone: string): Deadlines {
  const received = DateTime.fromJSDate(receivedAt, { zone });
  if (!received.isValid) throw new Error('Invalid time zone for deadlines');
  if (regime === 'gdpr')
    return {
      dueAt: endOfDay(nextWorkingDay(received.plus({ months: 1 }))).toJSDate(),
      extendedDueAt: endOfDay(nextWorkingDay(received.plus({ months: 3 }))).toJSDate(),
      acknowledgeBy: null,
    };
  return {
    dueAt: endOfDay(received.plus({ days: 45 })).toJSDate(),
    extendedDueAt: endOfDay(received.plus({ days: 90 })).toJSDate(),
    acknowledgeBy: endOfDay(addBusinessDays(received, 10)).toJSDate(),
  };
}

export const dueSoonDays = 7;

export function deadlineFlags(
  dueAt: Date,
  open: boolean,
  now = new Date(),
): { overdue: boolean; dueSoon: boolean } {
  const left = dueAt.getTime() - now.getTime();
  return { overdue: open && left < 0, dueSoon: open && left >= 0 && left <= dueSoonDays * 86_400_000 };
}
