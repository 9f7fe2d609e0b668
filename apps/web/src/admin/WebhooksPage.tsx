import {
  type Me,
  type Purpose,
  type Recipient,
  type Webhook,
  type WebhookDelivery,
  type WebhookWithSecret,
  webhookDeliveryStatuses,
  webhookEventTypes,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, withQuery } from '../api.js';
import { Choices } from '../ui/choices.js';
import { errorText, FormError, LoadError, Loading } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { formatDateTime, humanize } from '../ui/format.js';
import { PageHeading } from '../ui/page-heading.js';

type EventType = (typeof webhookEventTypes)[number];
type DeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** Signed webhooks: subscriptions, their secret shown once, rotation, and deliveries with the dead letters. */
export function WebhooksPage({ me }: { me: Me }) {
  const webhooks = useQuery({
    queryKey: ['webhooks'],
    queryFn: () => api<{ items: Webhook[] }>('GET', '/api/v1/webhooks'),
  });
  const recipients = useQuery({
    queryKey: ['recipients'],
    queryFn: () => api<{ items: Recipient[] }>('GET', '/api/v1/recipients'),
    enabled: me.permissions.includes('recipients:read'),
  });
  // The secret lives in this page's memory only: shown once, gone when the page is left.
  const [secret, setSecret] = useState<{ webhookId: string; secret: string } | null>(null);
  const recipientName = new Map((recipients.data?.items ?? []).map((r) => [r.id, r.name]));
  return (
    <section className="admin-page" aria-labelledby="webhooks-title">
      <PageHeading title="Webhooks" id="webhooks-title" />
      <p className="subtitle">
        Events go to a registered recipient’s https address, signed with a secret, carrying only what the
        purpose and the recipient allow. Every delivery is recorded as a disclosure.
      </p>
      {secret && <SecretNotice secret={secret.secret} onDismiss={() => setSecret(null)} />}
      {webhooks.isPending ? (
        <Loading what="webhooks" />
      ) : webhooks.isError ? (
        <LoadError error={webhooks.error} onRetry={() => void webhooks.refetch()} />
      ) : (
        <ul className="card-list" aria-label="Webhook subscriptions">
          {webhooks.data.items.length === 0 && <li className="empty">No webhooks yet.</li>}
          {webhooks.data.items.map((w) => (
            <WebhookRow
              key={w.id}
              webhook={w}
              recipient={recipientName.get(w.recipientId) ?? 'A recipient'}
              onSecret={(s) => setSecret({ webhookId: w.id, secret: s })}
            />
          ))}
        </ul>
      )}
      <WebhookForm
        recipients={recipients.data?.items ?? []}
        recipientsError={recipients.error}
        onCreated={(w) => setSecret({ webhookId: w.id, secret: w.secret })}
      />
    </section>
  );
}

function SecretNotice({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <section ref={ref} tabIndex={-1} className="panel secret-notice" aria-labelledby="secret-title">
      <h2 id="secret-title">The signing secret, shown this once</h2>
      <p>
        Store it with the receiving system now: it checks the <code>Custodian-Signature</code> header with it.
        Custodian keeps it sealed and will not show it again.
      </p>
      <p className="visually-hidden" id="secret-label">
        Signing secret:
      </p>
      <p>
        <code className="secret" aria-describedby="secret-label">
          {secret}
        </code>
      </p>
      <button type="button" className="secondary" onClick={onDismiss}>
        I have stored it
      </button>
    </section>
  );
}

function WebhookForm({
  recipients,
  recipientsError,
  onCreated,
}: {
  recipients: Recipient[];
  recipientsError: unknown;
  onCreated: (w: WebhookWithSecret) => void;
}) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [recipientId, setRecipientId] = useState('');
  const [purpose, setPurpose] = useState<Purpose | ''>('');
  const [events, setEvents] = useState<EventType[]>(['contact.erased']);
  const recipient = recipients.find((r) => r.id === recipientId);
  const create = useMutation({
    mutationFn: () =>
      api<WebhookWithSecret>('POST', '/api/v1/webhooks', {
        url,
        events,
        ...(recipientId ? { recipientId } : {}),
        ...(purpose ? { purpose } : {}),
      }),
    onSuccess: async (w) => {
      onCreated(w);
      setUrl('');
      await queryClient.invalidateQueries({ queryKey: ['webhooks'] });
    },
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (create.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [create.error]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="panel" aria-labelledby="new-webhook-title">
      <h2 id="new-webhook-title">New webhook</h2>
      <form
        ref={formRef}
        onSubmit={submit}
        noValidate
        aria-labelledby="new-webhook-title"
        className="admin-form"
      >
        <Field
          label="Recipient"
          field="body.recipientId"
          error={create.error}
          hint={recipientsError ? `Recipients could not be read: ${errorText(recipientsError)}` : undefined}
        >
          <select
            value={recipientId}
            onChange={(e) => {
              setRecipientId(e.target.value);
              setPurpose('');
            }}
          >
            <option value="">Choose a registered recipient</option>
            {recipients.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Purpose"
          field="body.purpose"
          error={create.error}
          hint="One of the recipient’s purposes in the register"
        >
          <select value={purpose} onChange={(e) => setPurpose(e.target.value as Purpose)}>
            <option value="">Choose a purpose</option>
            {(recipient?.purposes ?? []).map((p) => (
              <option key={p} value={p}>
                {humanize(p)}
              </option>
            ))}
          </select>
        </Field>
        <div className="wide">
          <Field
            label="Address (URL)"
            field="body.url"
            error={create.error}
            hint="https, on a public host: private and loopback addresses are refused"
          >
            <input
              type="url"
              inputMode="url"
              autoComplete="off"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </Field>
        </div>
        <div className="wide">
          <Choices
            legend="Events"
            options={webhookEventTypes}
            value={events}
            onChange={setEvents}
            error={create.error}
            field="body.events"
            labelOf={(e) => e}
          />
        </div>
        <FormError error={create.error} />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create webhook'}
          </button>
        </div>
      </form>
    </section>
  );
}

function WebhookRow({
  webhook: w,
  recipient,
  onSecret,
}: {
  webhook: Webhook;
  recipient: string;
  onSecret: (secret: string) => void;
}) {
  const [asking, setAsking] = useState(false);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const rotate = useMutation({
    mutationFn: () => api<WebhookWithSecret>('POST', `/api/v1/webhooks/${w.id}/rotate-secret`),
    onSuccess: (rotated) => {
      setAsking(false);
      onSecret(rotated.secret);
    },
  });
  const titleId = `webhook-${w.id}`;
  return (
    <li className="panel">
      <div className="panel-top">
        <h2 id={titleId} className="webhook-url">
          {w.url}
        </h2>
        <span className="badge">{w.active ? 'Active' : 'Paused'}</span>
      </div>
      <p className="label">
        To {recipient} for {humanize(w.purpose)}: {w.events.join(', ')}
      </p>
      {asking ? (
        <fieldset className="confirm-row">
          <legend className="visually-hidden">Rotate the secret of {w.url}?</legend>
          <p>Replace the signing secret now? The receiver must use the new one at once.</p>
          <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
            Rotate now
          </button>
          <button type="button" className="secondary" onClick={() => setAsking(false)}>
            Keep the secret
          </button>
        </fieldset>
      ) : (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setAsking(true)}>
            Rotate the secret<span className="visually-hidden"> of {w.url}</span>
          </button>
          <button
            type="button"
            className="secondary"
            aria-expanded={showDeliveries}
            onClick={() => setShowDeliveries((v) => !v)}
          >
            Deliveries<span className="visually-hidden"> of {w.url}</span>
          </button>
        </div>
      )}
      {rotate.isError && (
        <p role="alert" className="form-error">
          {errorText(rotate.error)}
        </p>
      )}
      {showDeliveries && <Deliveries webhook={w} />}
    </li>
  );
}

function Deliveries({ webhook: w }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const key = ['webhooks', w.id, 'deliveries', status];
  const deliveries = useQuery({
    queryKey: key,
    queryFn: () =>
      api<{ items: WebhookDelivery[] }>(
        'GET',
        withQuery(`/api/v1/webhooks/${w.id}/deliveries`, { status, limit: 50 }),
      ),
  });
  const redeliver = useMutation({
    mutationFn: (d: WebhookDelivery) =>
      api<WebhookDelivery>('POST', `/api/v1/webhooks/${w.id}/deliveries/${d.id}/redeliver`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['webhooks', w.id, 'deliveries'] }),
  });
  return (
    <div className="deliveries">
      <Field label="Show" field="status" error={null}>
        <select value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}>
          <option value="">All deliveries</option>
          <option value="dead">Dead letters</option>
          {webhookDeliveryStatuses
            .filter((s) => s !== 'dead')
            .map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
        </select>
      </Field>
      {redeliver.isError && (
        <p role="alert" className="form-error">
          {errorText(redeliver.error)}
        </p>
      )}
      {deliveries.isPending ? (
        <Loading what="deliveries" />
      ) : deliveries.isError ? (
        <LoadError error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.items.length === 0 ? (
        <p className="empty">No deliveries{status ? ` with this status` : ''}.</p>
      ) : (
        <ul className="delivery-list">
          {deliveries.data.items.map((d) => (
            <li key={d.id}>
              <span className={`badge delivery-${d.status}`}>{humanize(d.status)}</span> {d.eventType} —{' '}
              {d.attempts} attempt(s), last {formatDateTime(d.lastAttemptAt)}
              {d.lastStatus !== null ? `, HTTP ${d.lastStatus}` : ''}
              {d.lastError ? `, ${humanize(d.lastError)}` : ''}
              {(d.status === 'dead' || d.status === 'delivered') && (
                <button
                  type="button"
                  className="secondary"
                  disabled={redeliver.isPending}
                  onClick={() => redeliver.mutate(d)}
                >
                  Redeliver<span className="visually-hidden"> {d.eventType}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
