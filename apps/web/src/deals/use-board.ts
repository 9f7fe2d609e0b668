import type { Deal, Pipeline } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, withQuery } from '../api.js';

type Page = { items: Deal[]; nextCursor: string | null };
export type BoardDeals = { items: Deal[]; complete: boolean };

// A board shows every deal of its pipeline: pages of 200 are read until the last one, up to this many.
const maxPages = 5;

export const boardKey = (pipelineId: string) => ['deals', 'board', pipelineId] as const;

export function usePipelines() {
  return useQuery({
    queryKey: ['pipelines'],
    queryFn: () => api<{ items: Pipeline[] }>('GET', '/api/v1/pipelines'),
  });
}

export function useBoardDeals(pipelineId: string | undefined) {
  return useQuery({
    queryKey: boardKey(pipelineId ?? ''),
    enabled: pipelineId !== undefined,
    queryFn: async (): Promise<BoardDeals> => {
      const items: Deal[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < maxPages; i++) {
        const page = await api<Page>('GET', withQuery('/api/v1/deals', { pipelineId, limit: 200, cursor }));
        items.push(...page.items);
        if (!page.nextCursor) return { items, complete: true };
        cursor = page.nextCursor;
      }
      return { items, complete: false };
    },
  });
}

/** The deal's place on the board, or anywhere else a deal list shows it, is now out of date. */
const listsDeals = (key: readonly unknown[]) => key.includes('deals');

/**
 * Moves a deal to another stage at once on the board (optimistic), then asks the server; if it refuses,
 * only that deal goes back where it was, so other moves made meanwhile stay.
 */
export function useMoveDeal(pipeline: Pipeline) {
  const queryClient = useQueryClient();
  const key = boardKey(pipeline.id);
  const place = (dealId: string, stageId: string) => {
    const status = pipeline.stages.find((s) => s.id === stageId)?.kind ?? 'open';
    queryClient.setQueryData<BoardDeals>(key, (old) =>
      old ? { ...old, items: old.items.map((d) => (d.id === dealId ? { ...d, stageId, status } : d)) } : old,
    );
  };
  return useMutation({
    mutationKey: ['move-deal'],
    mutationFn: ({ deal, stageId }: { deal: Deal; stageId: string }) =>
      api<Deal>('PATCH', `/api/v1/deals/${deal.id}`, { stageId }),
    onMutate: async ({ deal, stageId }) => {
      await queryClient.cancelQueries({ queryKey: key });
      place(deal.id, stageId);
    },
    onError: (_error, { deal }) => place(deal.id, deal.stageId),
    onSuccess: (updated) =>
      queryClient.setQueryData<BoardDeals>(key, (old) =>
        old ? { ...old, items: old.items.map((d) => (d.id === updated.id ? updated : d)) } : old,
      ),
    // Read the lists again once the last of several quick moves is answered (this one still counts as
    // pending here), so a reply to an earlier one does not put a later card back for a moment.
    onSettled: () => {
      if (queryClient.isMutating({ mutationKey: ['move-deal'] }) <= 1)
        void queryClient.invalidateQueries({ predicate: (q) => listsDeals(q.queryKey) });
    },
  });
}
