import {
  type Regime,
  type RequestType,
  regimeSchema,
  requestTypeSchema,
  type SubmitPublicRequestInput,
} from '@custodian/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { navigate } from '../router.js';
import { fieldIssue } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { useI18n } from './i18n/index.js';
import { usePortalHref, usePortalInfo } from './PortalShell.js';
import { generalError, localizeFields, portalApi } from './portal-api.js';
import { searchParam } from './routes.js';
import { PortalLoadError, PortalLoading } from './states.js';

/** The request form: the right, the law, the address the code goes to; then the code step. */
export function RequestPage() {
  const { t, lang } = useI18n();
  const info = usePortalInfo();
  const href = usePortalHref();
  const typeId = useId();
  const [regime, setRegime] = useState<Regime>(() => regimeSchema.catch('gdpr').parse(searchParam('regime')));
  const [type, setType] = useState<RequestType | null>(() => {
    const asked = requestTypeSchema.safeParse(searchParam('type'));
    return asked.success ? asked.data : null;
  });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [details, setDetails] = useState('');
  const submit = useMutation({
    mutationFn: (body: Partial<SubmitPublicRequestInput>) =>
      portalApi<{ requestId: string }>('POST', '/api/v1/public/requests', lang, body),
    onSuccess: ({ requestId }) => navigate(href(`/privacy/requests/${requestId}/verify`)),
  });
  const error = localizeFields(submit.error, {
    'body.email': t.request.emailInvalid,
    'body.type': t.request.chooseType,
  });

  if (info.isPending || info.isError)
    return (
      <>
        <h1>{t.request.title}</h1>
        {info.isPending ? (
          <PortalLoading />
        ) : (
          <PortalLoadError error={info.error} onRetry={() => void info.refetch()} />
        )}
      </>
    );
  const types = info.data.requestTypes[regime];
  const chosen = type && types.includes(type) ? type : null;
  const rectification = chosen === 'rectification';
  const typeIssue = fieldIssue(error, 'body.type');

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate({
      // No choice yet: the server names the field, and the message appears beside it.
      ...(chosen ? { type: chosen } : {}),
      regime,
      email: email.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(details.trim() ? { details: details.trim() } : {}),
    });
  };

  return (
    <>
      <h1>{t.request.title}</h1>
      <p className="lead">{t.request.intro}</p>
      <form onSubmit={onSubmit} noValidate className="portal-form">
        <Field label={t.request.regime} error={error} field="body.regime">
          <select value={regime} onChange={(e) => setRegime(e.target.value as Regime)}>
            {info.data.regimes.map((r) => (
              <option key={r} value={r}>
                {t.regimes[r]}
              </option>
            ))}
          </select>
        </Field>
        <fieldset
          className="choices"
          aria-invalid={typeIssue ? true : undefined}
          aria-describedby={typeIssue ? `${typeId}-error` : undefined}
        >
          <legend>{t.request.type}</legend>
          {types.map((option) => (
            <label key={option} className="choice">
              <input
                type="radio"
                name="type"
                value={option}
                checked={chosen === option}
                onChange={() => setType(option)}
              />
              <span>
                <span className="choice-label">{t.types[option]}</span>
                <span className="choice-help">{t.typeHelp[option]}</span>
              </span>
            </label>
          ))}
          {typeIssue && (
            <span className="field-error" id={`${typeId}-error`}>
              {typeIssue}
            </span>
          )}
        </fieldset>
        <Field label={t.request.email} error={error} field="body.email" hint={t.request.emailHint}>
          <input
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </Field>
        <Field label={`${t.request.name} (${t.common.optional})`} error={error} field="body.name">
          <input type="text" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field
          label={
            rectification ? t.request.detailsRectification : `${t.request.details} (${t.common.optional})`
          }
          error={error}
          field="body.details"
          {...(rectification ? { hint: t.request.detailsRectificationHint } : {})}
        >
          <textarea rows={4} value={details} onChange={(e) => setDetails(e.target.value)} />
        </Field>
        {submit.isError && (
          <p role="alert" className="form-error">
            {generalError(submit.error, t)}
          </p>
        )}
        <button type="submit" disabled={submit.isPending}>
          {submit.isPending ? t.request.sending : t.request.submit}
        </button>
      </form>
    </>
  );
}
