import type { Campaign, PurposeRecord, Segment } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { isUnderway } from './campaign-labels.js';

export function useSegments() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: () => api<{ items: Segment[] }>('GET', '/api/v1/segments'),
  });
}

export function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns'],
    queryFn: () => api<{ items: Campaign[] }>('GET', '/api/v1/campaigns'),
    refetchInterval: (q) => (q.state.data?.items.some(isUnderway) ? 1000 : false),
  });
}

/** The purposes with their names, for choosing one (the keys are the contract's; names are data). */
export function usePurposes() {
  return useQuery({
    queryKey: ['purposes'],
    queryFn: () => api<{ items: PurposeRecord[] }>('GET', '/api/v1/purposes'),
    staleTime: 5 * 60_000,
  });
}

/** One campaign; asked again every second while it is queued or sending, so its counts move. */
export function useCampaign(id: string) {
  return useQuery({
    queryKey: ['campaign', id],
    queryFn: () => api<Campaign>('GET', `/api/v1/campaigns/${id}`),
    refetchInterval: (q) => (isUnderway(q.state.data) ? 1000 : false),
  });
}
