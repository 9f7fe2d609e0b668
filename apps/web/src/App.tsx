import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactElement } from 'react';
import { ApiError, api, getMe } from './api.js';
import { Setup } from './auth/Setup.js';
import { SignIn } from './auth/SignIn.js';
import { navigate } from './router.js';
import { Shell } from './shell/Shell.js';
import { FormError } from './ui/errors.js';

/** Setup on a fresh install, sign-in without a session, the staff app with one. */
export function App() {
  const queryClient = useQueryClient();
  const setup = useQuery({
    queryKey: ['setup'],
    queryFn: () => api<{ required: boolean }>('GET', '/api/v1/setup'),
  });
  const me = useQuery({
    queryKey: ['me'],
    queryFn: () =>
      getMe().catch((e: unknown) =>
        e instanceof ApiError && e.problem.status === 401 ? null : Promise.reject(e),
      ),
    enabled: setup.data?.required === false,
  });
  if (me.data) return <Shell me={me.data} />;
  let body: ReactElement;
  if (setup.isPending || (setup.data?.required === false && me.isPending))
    body = <p aria-busy="true">Loading…</p>;
  else if (setup.isError || me.isError) body = <FormError error={setup.error ?? me.error} />;
  else if (setup.data?.required)
    body = (
      <Setup
        onDone={() => {
          // The setup token is spent: take it out of the address bar and the history entry.
          navigate('/', { replace: true });
          void queryClient.invalidateQueries({ queryKey: ['setup'] });
        }}
      />
    );
  else body = <SignIn />;
  return <main className="auth">{body}</main>;
}
