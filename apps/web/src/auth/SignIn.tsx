import type { Me } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api.js';
import { FormError } from '../ui/errors.js';

export function SignIn() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ email: '', password: '', mfaCode: '' });
  const [needsCode, setNeedsCode] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  // The code field appears only once the server asks for it: take the user (and focus) straight to it.
  useEffect(() => {
    if (needsCode) codeRef.current?.focus();
  }, [needsCode]);
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
          <span className="hint">Two-factor sign-in is on for this account: enter the six-digit code.</span>
          <input
            ref={codeRef}
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
