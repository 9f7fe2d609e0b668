import type { DsrRequest, RequestStatus, RequestType } from '@custodian/contracts';

const day = 86_400_000;
const closed: readonly RequestStatus[] = ['fulfilled', 'rejected', 'closed'];
export const isOpen = (r: Pick<DsrRequest, 'status'>): boolean => !closed.includes(r.status);

export const requestTypeLabels: Record<RequestType, string> = {
  access: 'Access',
  portability: 'Portability',
  rectification: 'Rectification',
  erasure: 'Erasure',
  restriction: 'Restriction',
  objection: 'Objection',
  opt_out_sale_sharing: 'Opt-out of sale or sharing',
  limit_sensitive: 'Limit use of sensitive data',
};

export const requestStatusLabels: Record<RequestStatus, string> = {
  received: 'Received',
  verifying: 'Verifying',
  in_progress: 'In progress',
  extended: 'Extended',
  fulfilled: 'Fulfilled',
  rejected: 'Rejected',
  closed: 'Closed',
};

export const days = (n: number): string => `${n} ${n === 1 ? 'day' : 'days'}`;

/**
 * The deadline clock in words. The server's `overdue` and `dueSoon` flags decide the tone; the days are
 * whole days left before the deadline (the end of its day in the controller's time zone).
 */
export function clockOf(
  r: Pick<DsrRequest, 'status' | 'dueAt' | 'overdue' | 'dueSoon'>,
  now = Date.now(),
): { text: string; tone: 'overdue' | 'soon' | 'ok' | 'done' } {
  if (!isOpen(r)) return { text: 'Answered', tone: 'done' };
  const left = new Date(r.dueAt).getTime() - now;
  if (r.overdue || left < 0) {
    const late = Math.max(1, Math.floor(-left / day));
    return { text: `Overdue by ${days(late)}`, tone: 'overdue' };
  }
  const whole = Math.floor(left / day);
  return {
    text: whole === 0 ? 'Due within a day' : `${days(whole)} left`,
    tone: r.dueSoon ? 'soon' : 'ok',
  };
}
