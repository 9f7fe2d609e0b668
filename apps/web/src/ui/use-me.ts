import type { Me, Permission } from '@custodian/contracts';
import { useQueryClient } from '@tanstack/react-query';

/** Whether the signed-in user holds a permission (the Shell renders only with a signed-in user). */
export function useCan(): (permission: Permission) => boolean {
  const me = useQueryClient().getQueryData<Me | null>(['me']);
  return (permission) => me?.permissions.includes(permission) ?? false;
}

/** The signed-in user (the Shell renders only with one, so this is null only outside it). */
export function useMe(): Me | null {
  return useQueryClient().getQueryData<Me | null>(['me']) ?? null;
}
