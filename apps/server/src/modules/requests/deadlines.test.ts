import { describe, expect, it } from 'vitest';
import { deadlineFlags, deadlinesFor } from './deadlines.js';

/** Local wall-clock time of a deadline in a zone, as "YYYY-MM-DD HH:mm". */
const local = (d: Date | null, zone: string) =>
  d
    ? new Intl.DateTimeFormat('sv-SE', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }).format(d)
    : null;

describe('GDPR deadlines (one month, Art. 12(3))', () => {
  const zone = 'Europe/Berlin';
  it.each([
    // received (UTC)            due (local, end of day)   extended (three months)   why
    ['2026-03-03T10:00:00Z', '2026-04-03 23:59', '2026-06-03 23:59', 'same date next month'],
    [
      '2026-01-31T10:00:00Z',
      '2026-03-02 23:59',
      '2026-04-30 23:59',
      'no 31 February: 28th, a Saturday: Monday',
    ],
    [
      '2025-01-31T10:00:00Z',
      '2025-02-28 23:59',
      '2025-04-30 23:59',
      'no 31 February: the last day, the 28th',
    ],
    ['2028-01-31T10:00:00Z', '2028-02-29 23:59', '2028-05-01 23:59', 'leap year; 30 April 2028 is a Sunday'],
    [
      '2026-03-31T22:30:00Z',
      '2026-05-01 23:59',
      '2026-07-01 23:59',
      'received 1 April in Berlin, 31 March in UTC',
    ],
    ['2026-09-05T12:00:00Z', '2026-10-05 23:59', '2026-12-07 23:59', '5 December 2026 is a Saturday: Monday'],
    [
      '2026-12-31T08:00:00Z',
      '2027-02-01 23:59',
      '2027-03-31 23:59',
      'over the year end; 31 January 2027 is a Sunday',
    ],
    ['2026-10-24T12:00:00Z', '2026-11-24 23:59', '2027-01-25 23:59', 'across the change to winter time'],
  ])('received %s is due %s, or %s when extended (%s)', (received, due, extended) => {
    const d = deadlinesFor('gdpr', new Date(received), zone);
    expect(local(d.dueAt, zone)).toBe(due);
    expect(local(d.extendedDueAt, zone)).toBe(extended);
    expect(d.acknowledgeBy).toBeNull();
  });

  it('ends the last day at midnight local time, not UTC', () => {
    const d = deadlinesFor('gdpr', new Date('2026-03-03T10:00:00Z'), zone);
    expect(d.dueAt.toISOString()).toBe('2026-04-03T21:59:59.999Z');
    const utc = deadlinesFor('gdpr', new Date('2026-03-03T10:00:00Z'), 'UTC');
    expect(utc.dueAt.toISOString()).toBe('2026-04-03T23:59:59.999Z');
  });
});

describe('CCPA deadlines (45 days, acknowledgement in 10 business days)', () => {
  const zone = 'America/Los_Angeles';
  it.each([
    ['2026-01-05T17:00:00Z', '2026-02-19 23:59', '2026-04-05 23:59', '2026-01-19 23:59', 'a Monday'],
    [
      '2026-01-09T17:00:00Z',
      '2026-02-23 23:59',
      '2026-04-09 23:59',
      '2026-01-23 23:59',
      'a Friday: two weekends',
    ],
    ['2026-01-10T17:00:00Z', '2026-02-24 23:59', '2026-04-10 23:59', '2026-01-23 23:59', 'a Saturday'],
    ['2028-02-10T17:00:00Z', '2028-03-26 23:59', '2028-05-10 23:59', '2028-02-24 23:59', 'leap February'],
    [
      '2026-01-06T06:00:00Z',
      '2026-02-19 23:59',
      '2026-04-05 23:59',
      '2026-01-19 23:59',
      'still 5 January in California',
    ],
  ])('received %s is due %s, %s extended, acknowledged by %s (%s)', (received, due, extended, ack) => {
    const d = deadlinesFor('ccpa', new Date(received), zone);
    expect(local(d.dueAt, zone)).toBe(due);
    expect(local(d.extendedDueAt, zone)).toBe(extended);
    expect(local(d.acknowledgeBy, zone)).toBe(ack);
  });
});

describe('deadline flags', () => {
  const now = new Date('2026-06-10T12:00:00Z');
  it('flags overdue and due within 7 days, only while the request is open', () => {
    expect(deadlineFlags(new Date('2026-06-09T12:00:00Z'), true, now)).toEqual({
      overdue: true,
      dueSoon: false,
    });
    expect(deadlineFlags(new Date('2026-06-16T12:00:00Z'), true, now)).toEqual({
      overdue: false,
      dueSoon: true,
    });
    expect(deadlineFlags(new Date('2026-06-30T12:00:00Z'), true, now)).toEqual({
      overdue: false,
      dueSoon: false,
    });
    expect(deadlineFlags(new Date('2026-06-09T12:00:00Z'), false, now)).toEqual({
      overdue: false,
      dueSoon: false,
    });
  });
});
