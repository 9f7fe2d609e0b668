import type { Me, User } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactElement, useState } from 'react';
import { ApiError, api, getMe } from './api.js';

function FieldError({ error, field }: { error: unknown; field: string }) {
  if (!(error instanceof ApiError)) return null;
  const issue = error.problem.errors?.find((e) => e.field === `body.${field}`);
  return issue ? <span className="field-error">{issue.issue}</span> : null;
}

function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? error.problem.detail : 'The server could not be reached';
  return (
    <p role="alert" className="form-error">
      {text}
    </p>
  );
}

function Setup({ onDone }: { onDone: () => void }) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [form, setForm] = useState({ token, name: '', email: '', password: '' });
  const create = useMutation({
    mutationFn: () => api<User>('POST', '/api/v1/setup', form),
    onSuccess: onDone,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="setup-title">
      <h1 id="setup-title">Create the first administrator</h1>
      <p>Use the setup link from the server log, which fills in the token.</p>
      {(['token', 'name', 'email', 'password'] as const).map((field) => (
        <label key={field}>
          {field === 'token' ? 'Setup token' : field[0]!.toUpperCase() + field.slice(1)}
          <input
            type={field === 'password' ? 'password' : field === 'email' ? 'email' : 'text'}
            autoComplete={field === 'password' ? 'new-password' : field === 'email' ? 'username' : 'off'}
            value={form[field]}
            onChange={(e) => setForm({ ...form, [field]: e.target.value })}
            required
          />
          <FieldError error={create.error} field={field} />
        </label>
      ))}
      <FormError error={create.error} />
      <button type="submit" disabled={create.isPending}>
        Create administrator
      </button>
    </form>
  );
}

function SignIn() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ email: '', password: '', mfaCode: '' });
  const [needsCode, setNeedsCode] = useState(false);
  const signIn = useMutation({
    mutationFn: () =>
      api<Me>('POST', '/api/v1/auth/login', {
        email: form.email,
        password: form.password,
        ...(needsCode ? { mfaCode: form.mfaCode } : {}),
      }),
    onSuccess: (me) => queryClient.setQueryData(['me'], me),
    onError: (error) => {
      if (error instanceof ApiError && error.problem.code === 'mfa_required') setNeedsCode(true);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  const showError = !(signIn.error instanceof ApiError && signIn.error.problem.code === 'mfa_required');
  return (
    <form onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to Custodian</h1>
      <label>
        E-mail
        <input
          type="email"
          autoComplete="username"
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          required
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          required
        />
      </label>
      {needsCode && (
        <label>
          Code from your authenticator app
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            value={form.mfaCode}
            onChange={(e) => setForm({ ...form, mfaCode: e.target.value })}
            required
          />
        </label>
      )}
      {showError && <FormError error={signIn.error} />}
      <button type="submit" disabled={signIn.isPending}>
        Sign in
      </button>
    </form>
  );
}

function Home({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api<void>('POST', '/api/v1/auth/logout'),
    onSuccess: () => queryClient.setQueryData(['me'], null),
  });
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">Custodian</h1>
      <p>
        Signed in as {me.user.name} ({me.user.role}). Multi-factor authentication is{' '}
        {me.user.mfaEnabled ? 'on' : 'off'}.
      </p>
      <p>
        The CRM screens are being built. Meanwhile the <a href="/api/docs">API documentation</a> lists
        everything you can do.
      </p>
      <button type="button" onClick={() => signOut.mutate()}>
        Sign out
      </button>
    </section>
  );
}

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
  let body: ReactElement;
  if (setup.isPending || (setup.data?.required === false && me.isPending))
    body = <p aria-busy="true">Loading…</p>;
  else if (setup.isError || me.isError) body = <FormError error={setup.error ?? me.error} />;
  else if (setup.data?.required)
    body = <Setup onDone={() => queryClient.invalidateQueries({ queryKey: ['setup'] })} />;
  else body = me.data ? <Home me={me.data} /> : <SignIn />;
  return <main>{body}</main>;
}
