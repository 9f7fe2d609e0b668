import type { ApiToken, Me } from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { errorText, FieldError, FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDate, formatDateTime } from '../ui/format.js';

const lifetimes = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: 730, label: '2 years' },
];

/** The user's own API tokens: list, create (the secret shown once) and revoke. */
export function TokensPanel({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ['tokens', 'own'],
    queryFn: () => api<{ items: ApiToken[] }>('GET', '/api/v1/tokens'),
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiresInDays, setExpiresInDays] = useState(90);
  // The new token's secret lives only here, in memory, until dismissed; it is never cached or stored.
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: () =>
      api<{ token: ApiToken; secret: string }>('POST', '/api/v1/tokens', { name, scopes, expiresInDays }),
    onSuccess: (data) => {
      setCreated({ name: data.token.name, secret: data.secret });
      setCopied(false);
      setName('');
      setScopes([]);
      void queryClient.invalidateQueries({ queryKey: ['tokens', 'own'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `/api/v1/tokens/${id}`),
    onSuccess: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: ['tokens', 'own'] });
    },
  });

  const toggle = (scope: string, on: boolean) =>
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <div className="panel tokens-panel">
      <h2>API tokens</h2>
      <p className="hint">
        For scripts and integrations: send <code>Authorization: Bearer &lt;token&gt;</code>. A token can do
        only what its scopes allow, and never more than your role.
      </p>
      {created && (
        <div className="notice token-secret" role="status">
          <p>
            <strong>Token “{created.name}” created.</strong> Copy it now: it is shown only this once and
            cannot be read again.
          </p>
          <label>
            Token secret
            <input readOnly value={created.secret} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <div className="actions">
            <button type="button" className="secondary" onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" onClick={() => setCreated(null)}>
              Done, hide it
            </button>
          </div>
        </div>
      )}

      {tokens.isPending ? (
        <Loading what="your tokens" />
      ) : tokens.isError ? (
        <LoadError error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.items.length === 0 ? (
        <p>You have no API tokens.</p>
      ) : (
        // Scrolls sideways inside itself on a phone; focusable so the keyboard can scroll it too.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section className="table-scroll" aria-label="Your API tokens" tabIndex={0}>
          <table className="tokens">
            <caption className="visually-hidden">Your API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>
                    <ul className="scopes">
                      {t.scopes.map((s) => (
                        <li key={s}>
                          <code>{s}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{formatDateTime(t.createdAt)}</td>
                  <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'Never'}</td>
                  <td>{formatDate(t.expiresAt)}</td>
                  <td>
                    {t.revokedAt ? (
                      <span className="badge">Revoked {formatDate(t.revokedAt)}</span>
                    ) : confirming === t.id ? (
                      <div className="confirm-revoke">
                        <span>Revoke “{t.name}”? Anything using it stops working.</span>
                        <button
                          type="button"
                          className="danger"
                          disabled={revoke.isPending}
                          onClick={() => revoke.mutate(t.id)}
                        >
                          Yes, revoke
                        </button>
                        <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                          Keep it
                        </button>
                        {revoke.isError && (
                          <span role="alert" className="form-error">
                            {errorText(revoke.error)}
                          </span>
                        )}
                      </div>
                    ) : (
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Revoke ${t.name}`}
                        onClick={() => {
                          revoke.reset();
                          setConfirming(t.id);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <form onSubmit={submit} className="account-form new-token" aria-labelledby="new-token-title">
        <h3 id="new-token-title">New token</h3>
        <Field
          label="Name"
          error={create.error}
          field="body.name"
          hint="What it is for, e.g. “Newsletter sync”"
        >
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </Field>
        <Field label="Expires after" error={create.error} field="body.expiresInDays">
          <select value={expiresInDays} onChange={(e) => setExpiresInDays(Number(e.target.value))}>
            {lifetimes.map((l) => (
              <option key={l.days} value={l.days}>
                {l.label}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="scope-choices">
          <legend>Scopes</legend>
          <p className="hint">Only permissions your role holds can be given to a token.</p>
          <div className="scope-grid">
            {me.permissions.map((p) => (
              <label key={p} className="check">
                <input
                  type="checkbox"
                  checked={scopes.includes(p)}
                  onChange={(e) => toggle(p, e.target.checked)}
                />
                <code>{p}</code>
              </label>
            ))}
          </div>
          <FieldError error={create.error} field="body.scopes" />
        </fieldset>
        <FormError error={create.error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending || scopes.length === 0}>
            Create token
          </button>
        </div>
      </form>
    </div>
  );
}
