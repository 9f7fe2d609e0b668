import type { Tag } from '@custodian/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';

/** Every tag by name, for the conditions and exemptions that refer to tags by id. */
export function useTags() {
  return useQuery({
    queryKey: ['tags'],
    queryFn: () => api<{ items: Tag[] }>('GET', '/api/v1/tags'),
    staleTime: 60_000,
  });
}

/** The choices for a tag list: every tag, and any chosen one that no longer exists; and their names. */
export function tagChoices(tags: readonly Tag[] | undefined, chosen: readonly string[]) {
  const names = new Map((tags ?? []).map((t) => [t.id, t.name]));
  return {
    options: [...new Set([...names.keys(), ...chosen])],
    labelOf: (id: string) => names.get(id) ?? 'A removed tag',
  };
}
