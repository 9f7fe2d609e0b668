import { type ConsentEvent, consentKinds } from '@custodian/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, withQuery } from '../api.js';

type EventPage = { items: ConsentEvent[]; nextBefore: number | null };

/** A person's consent ledger, newest first, a page of 100 at a time (the contact page and the desk share it). */
export function useConsentEvents(contactId: string) {
  return useInfiniteQuery({
    queryKey: ['contact', contactId, 'consent-events'],
    queryFn: ({ pageParam }) =>
      api<EventPage>(
        'GET',
        withQuery(`/api/v1/contacts/${contactId}/consents/events`, { limit: 100, before: pageParam }),
      ),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
}

/** Whether an event has an ISO/IEC TS 27560 receipt: a consent choice made under a notice, or its confirmation. */
export const hasReceipt = (e: ConsentEvent): boolean =>
  (consentKinds as readonly string[]).includes(e.kind) && (e.noticeId !== null || e.relatesTo !== null);
