import type { Me } from '@custodian/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { Field } from '../ui/field.js';
import { OtpQrCode } from './OtpQrCode.js';

type Enrolment = { secret: string; otpauthUri: string };

/** Two-factor sign-in with an authenticator app (TOTP): set up, confirm with a code, switch off. */
export function MfaPanel({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  // Shown once, right after confirming; kept in this component's memory only.
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  const enrol = useMutation({
    mutationFn: () => api<Enrolment>('POST', '/api/v1/auth/mfa/enrol', { password }),
    onSuccess: (data) => {
      setEnrolment(data);
      setPassword('');
      setCode('');
    },
  });
  const confirm = useMutation({
    mutationFn: () => api<{ recoveryCodes: string[] }>('POST', '/api/v1/auth/mfa/confirm', { code }),
    onSuccess: (data) => {
      setRecoveryCodes(data.recoveryCodes);
      setEnrolment(null);
      setCode('');
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const disable = useMutation({
    mutationFn: () => api<void>('POST', '/api/v1/auth/mfa/disable', { password, code }),
    onSuccess: () => {
      setPassword('');
      setCode('');
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });

  const submit = (action: { mutate: () => void }) => (e: FormEvent) => {
    e.preventDefault();
    action.mutate();
  };

  return (
    <div className="panel mfa-panel">
      <h2>Two-factor sign-in</h2>
      {recoveryCodes ? (
        <div className="once">
          <p>
            <strong>Two-factor sign-in is on.</strong> These recovery codes each sign you in once if you lose
            your authenticator. Store them somewhere safe now: they are not shown again.
          </p>
          <ul className="recovery-codes" aria-label="Recovery codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setRecoveryCodes(null)}>
            I have stored them
          </button>
        </div>
      ) : me.user.mfaEnabled ? (
        <form onSubmit={submit(disable)} className="account-form" aria-label="Switch off two-factor sign-in">
          <p className="status-line">
            <span className="badge">On</span> Signing in asks for a code from your authenticator app.
          </p>
          <Field anyError label="Password" error={null} field="body.password">
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </Field>
          <Field anyError label="Current code" error={disable.error} field="body.code">
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
            />
          </Field>
          <div className="actions">
            <button type="submit" className="danger" disabled={disable.isPending}>
              Switch off two-factor sign-in
            </button>
          </div>
        </form>
      ) : enrolment ? (
        <form onSubmit={submit(confirm)} className="account-form" aria-label="Confirm two-factor sign-in">
          <p>
            Add this account to your authenticator app: scan the QR code, or type in the secret key below (as
            a time-based key), or paste the link into an app that accepts one. Then enter the six-digit code
            it shows.
          </p>
          <OtpQrCode uri={enrolment.otpauthUri} />
          <dl className="details secret">
            <dt>Secret key</dt>
            <dd>
              <code data-testid="mfa-secret">{enrolment.secret}</code>
            </dd>
            <dt>Setup link</dt>
            <dd>
              <code className="uri">{enrolment.otpauthUri}</code>
            </dd>
          </dl>
          <Field anyError label="Code from your authenticator app" error={confirm.error} field="body.code">
            <input
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
            />
          </Field>
          <div className="actions">
            <button type="submit" disabled={confirm.isPending}>
              Confirm and switch on
            </button>
            <button type="button" className="secondary" onClick={() => setEnrolment(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={submit(enrol)} className="account-form" aria-label="Set up two-factor sign-in">
          <p className="status-line">
            <span className="badge warn">Off</span> Signing in asks only for your password. Add a code from an
            authenticator app.
          </p>
          <Field
            anyError
            label="Password"
            hint="To set up two-factor sign-in"
            error={enrol.error}
            field="body.password"
          >
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </Field>
          <div className="actions">
            <button type="submit" disabled={enrol.isPending}>
              Set up two-factor sign-in
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
