import { codeIssues, type GpcOutcome } from '@custodian/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api.js';
import { Link, navigate } from '../router.js';
import { Field } from '../ui/field.js';
import { type Messages, useI18n } from './i18n/index.js';
import { usePortalHref } from './PortalShell.js';
import { generalError, portalApi, problemCode } from './portal-api.js';

type Verified = { status: 'verified'; statusUrl: string; gpc: GpcOutcome };

/**
 * What the verification just answered, for the status page it opens to say so (kept in memory only: a
 * reload shows the plain status).
 */
export const lastVerification: { id: string | null; gpc: GpcOutcome | null } = { id: null, gpc: null };

/** Why a code did not work, in the person's language; the server's own words only as a last resort. */
function codeProblem(error: unknown, t: Messages): string | null {
  if (!error) return null;
  if (!(error instanceof ApiError)) return t.common.unreachable;
  const { code, errors } = error.problem;
  const issue = errors?.find((e) => e.field === 'body.code')?.issue;
  if (issue === codeIssues.wrong) return t.verify.wrong;
  if (issue === codeIssues.used) return t.verify.used;
  if (issue === codeIssues.expired) return t.verify.expired;
  if (issue === codeIssues.tooMany) return t.verify.tooMany;
  if (code === 'gone') return t.verify.noLonger;
  if (code === 'validation_failed') return t.verify.format;
  if (code === 'not_found') return t.verify.unknown;
  return generalError(error, t);
}

/** The code step: the 6 digits from the mail; wrong, expired or exhausted codes explained at the field. */
export function VerifyPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const href = usePortalHref();
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: (value: string) =>
      portalApi<Verified>('POST', `/api/v1/public/requests/${id}/verify`, lang, { code: value }),
    onSuccess: (answer) => {
      lastVerification.id = id;
      lastVerification.gpc = answer.gpc;
      const url = new URL(answer.statusUrl, window.location.origin);
      navigate(href(`${url.pathname}${url.search}`), { replace: true });
    },
  });
  const problem = codeProblem(verify.error, t);
  // The field shows the problem whatever its code: a dead code is still about this field.
  const fieldError =
    problem && verify.error instanceof ApiError
      ? new ApiError({ ...verify.error.problem, errors: [{ field: 'body.code', issue: problem }] })
      : null;
  const gone = problemCode(verify.error) === 'gone' || problemCode(verify.error) === 'not_found';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    verify.mutate(code.replace(/\s+/g, ''));
  };
  return (
    <>
      <h1>{t.verify.title}</h1>
      <p className="lead">{t.verify.intro}</p>
      <form onSubmit={onSubmit} noValidate className="portal-form narrow">
        <Field label={t.verify.code} error={fieldError} field="body.code">
          <input
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            className="code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </Field>
        {verify.isError && !fieldError && (
          <p role="alert" className="form-error">
            {problem}
          </p>
        )}
        <button type="submit" disabled={verify.isPending}>
          {verify.isPending ? t.verify.checking : t.verify.submit}
        </button>
      </form>
      {gone && (
        <p>
          <Link to={href('/privacy/request')}>{t.verify.again}</Link>
        </p>
      )}
    </>
  );
}
