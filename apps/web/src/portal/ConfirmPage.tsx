import { useMutation } from '@tanstack/react-query';
import { ApiError } from '../api.js';
import { fill, type Messages, useI18n } from './i18n/index.js';
import { usePortalInfo } from './PortalShell.js';
import { generalError, portalApi } from './portal-api.js';
import { searchParam } from './routes.js';

type Confirmed = { status: 'confirmed'; purposes: string[]; purposeNames: string[] };

function linkProblem(error: unknown, t: Messages): string {
  if (error instanceof ApiError) {
    const { code, detail } = error.problem;
    if (code === 'not_found' || code === 'validation_failed') return t.confirm.invalid;
    if (code === 'gone') return /already used/i.test(detail) ? t.confirm.used : t.confirm.expired;
  }
  return generalError(error, t);
}

/** The double opt-in page the mailed link opens. Opening it changes nothing; only the button confirms. */
export function ConfirmPage() {
  const { t, lang } = useI18n();
  const info = usePortalInfo();
  const token = searchParam('token') ?? '';
  const confirm = useMutation({
    mutationFn: () => portalApi<Confirmed>('POST', '/api/v1/public/consent/confirm', lang, { token }),
  });
  const title = <h1>{t.confirm.title}</h1>;
  if (!token)
    return (
      <>
        {title}
        <p className="notice error">{t.confirm.missing}</p>
      </>
    );
  if (confirm.isSuccess)
    return (
      <>
        {title}
        <div className="notice success" role="status">
          <p>{t.confirm.done}</p>
          <ul>
            {confirm.data.purposeNames.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
        <p>{t.confirm.withdrawAnyTime}</p>
      </>
    );
  return (
    <>
      {title}
      <p className="lead">{fill(t.confirm.intro, { controller: info.data?.controller.name ?? '' })}</p>
      <p>{t.confirm.notYou}</p>
      {confirm.isError && (
        <p role="alert" className="notice error">
          {linkProblem(confirm.error, t)}
        </p>
      )}
      <button
        type="button"
        onClick={() => confirm.mutate()}
        disabled={confirm.isPending || confirm.error instanceof ApiError}
      >
        {confirm.isPending ? t.confirm.confirming : t.confirm.submit}
      </button>
    </>
  );
}
