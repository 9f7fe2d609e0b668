import type { ConsentEvent, Notice, Purpose, RecordConsentEventInput } from '@custodian/contracts';
import { purposes } from '@custodian/contracts';
import type { Caller, TestContext } from './context.js';

const noticeText =
  'We will send you e-mails about our products and events. You can withdraw your consent at any time.';

/** Publishes a notice covering every purpose (once per context key), as a DPO would. */
export async function publishTestNotice(
  t: TestContext,
  as: Caller,
  options: {
    key?: string;
    purposes?: readonly Purpose[];
    requiresReconsent?: boolean;
    languages?: string[];
  } = {},
): Promise<Notice> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/notices',
    as,
    body: {
      key: options.key ?? 'test-notice',
      name: 'Test notice',
      purposes: options.purposes ?? purposes,
      requiresReconsent: options.requiresReconsent ?? false,
      texts: (options.languages ?? ['en']).map((language) => ({
        language,
        text: `${noticeText} (${language})`,
      })),
    },
  });
  if (res.statusCode !== 201) throw new Error(`notice failed: ${res.statusCode} ${res.body}`);
  return res.json<Notice>();
}

/** Appends one event to a contact's ledger through the API. */
export async function recordEvent(
  t: TestContext,
  as: Caller,
  contactId: string,
  body: RecordConsentEventInput | Record<string, unknown>,
): Promise<ConsentEvent> {
  const res = await t.request({
    method: 'POST',
    url: `/api/v1/contacts/${contactId}/consents/events`,
    as,
    body,
  });
  if (res.statusCode !== 201) throw new Error(`event failed: ${res.statusCode} ${res.body}`);
  return res.json<ConsentEvent>();
}

export const giveConsent = (
  t: TestContext,
  as: Caller,
  contactId: string,
  purpose: Purpose,
  notice: Notice,
) =>
  recordEvent(t, as, contactId, {
    kind: 'given',
    purpose,
    noticeId: notice.id,
    language: 'en',
    method: 'paper',
  });
