import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, screenshot, seriousA11yViolations, startTestServer } from './browser.js';
import {
  type ApiCall,
  apiSession,
  createFirstAdmin,
  describedText,
  overflowsSideways,
  password,
  signIn,
} from './session.js';

let env: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let admin: ApiCall;
let grace: string;
let alan: string;
let requestId: string;
let deal: { id: string };

const longText = `${'We went through the renewal clause by clause and agreed on the next steps. '.repeat(6)}The final sentence only shows unfolded.`;

beforeAll(async () => {
  env = await startTestServer();
  browser = await launchChromium();
  await createFirstAdmin(env, { name: 'Ada Lovelace', email: 'ada@example.test' });
  admin = await apiSession(env, 'ada@example.test');
  for (const [email, name, role] of [
    ['sam@example.test', 'Sam Seller', 'sales'],
    ['rita@example.test', 'Rita Reader', 'readonly'],
  ] as const)
    await admin('POST', '/api/v1/users', { email, name, role, password });
  grace = (
    await admin<{ id: string }>('POST', '/api/v1/contacts', { firstName: 'Grace', lastName: 'Hopper' })
  ).id;
  alan = (await admin<{ id: string }>('POST', '/api/v1/contacts', { firstName: 'Alan', lastName: 'Turing' }))
    .id;
  const company = await admin<{ id: string }>('POST', '/api/v1/companies', {
    name: 'Analytical Engines Ltd',
  });
  const pipeline = await admin<{ id: string; stages: { id: string }[] }>('POST', '/api/v1/pipelines', {
    name: 'Renewals',
    stages: [{ name: 'Talks', probability: 30 }],
  });
  deal = await admin<{ id: string }>('POST', '/api/v1/deals', {
    title: 'Engine renewal 2026',
    pipelineId: pipeline.id,
    stageId: pipeline.stages[0]!.id,
    contactIds: [grace],
  });
  // A call about both people, the company and the deal, with a long text to fold.
  await admin('POST', '/api/v1/activities', {
    type: 'call',
    subject: 'Renewal call',
    body: longText,
    durationMinutes: 25,
    direction: 'outbound',
    occurredAt: '2026-01-05T10:00:00.000Z',
    contactIds: [grace, alan],
    companyId: company.id,
    dealId: deal.id,
  });
  // Text the scanner finds health data in; once classified as a special category, it is masked for roles
  // without reveal:special (the admin and sales among them).
  const flagged = await admin<{ id: string }>('POST', '/api/v1/activities', {
    type: 'note',
    subject: 'Availability',
    body: 'She is in hospital for chemotherapy until March.',
    occurredAt: '2026-01-04T09:00:00.000Z',
    contactIds: [grace],
  });
  const findings = await admin<{ items: { id: string; entityId: string }[] }>(
    'GET',
    '/api/v1/scanner/findings?status=open&limit=200',
  );
  const finding = findings.items.find((f) => f.entityId === flagged.id);
  expect(finding).toBeDefined();
  await admin('POST', `/api/v1/scanner/findings/${finding!.id}/reclassify`, { kinds: ['health'] });
  requestId = (
    await admin<{ id: string }>('POST', '/api/v1/requests', {
      type: 'access',
      contactId: grace,
      channel: 'email',
    })
  ).id;
});
afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function openGrace(page: Page, email: string): Promise<void> {
  await signIn(env, page, email);
  await page.goto(`${env.server.url}/contacts/${grace}`);
  await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
}

it('shows the timeline in full, logs, edits and deletes a note, adds a task and marks it done, and lists requests', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await openGrace(page, 'ada@example.test');
  const timeline = page.getByRole('region', { name: 'Timeline' });

  // The call: its type, direction, subject, duration, the other person and the company, its text folded.
  const call = timeline.getByRole('article', { name: /Call \(outbound\): Renewal call/ });
  await call.waitFor();
  await call.getByText('25 min').waitFor();
  await call.getByRole('link', { name: 'Alan Turing' }).waitFor();
  expect(await call.getByRole('link', { name: 'Alan Turing' }).getAttribute('href')).toBe(
    `/contacts/${alan}`,
  );
  await call.getByRole('link', { name: 'Analytical Engines Ltd' }).waitFor();
  expect(await call.getByRole('link', { name: 'Engine renewal 2026' }).getAttribute('href')).toBe(
    `/deals/${deal.id}`,
  );
  expect(await call.getByText('The final sentence only shows unfolded.').count()).toBe(0);
  await call.getByRole('button', { name: 'Show more of this text' }).click();
  await call.getByText(/The final sentence only shows unfolded\./).waitFor();
  expect(
    await call.getByRole('button', { name: 'Show less of this text' }).getAttribute('aria-expanded'),
  ).toBe('true');
  // The admin may not see special categories: the flagged note's text is masked.
  const flagged = timeline
    .getByRole('article', { name: /Note/ })
    .filter({ hasText: 'restricted for your role' });
  await flagged.waitFor();
  expect(await page.getByText(/chemotherapy/).count()).toBe(0);

  // The requests panel: the access request, linking to the desk.
  const requests = page.getByRole('region', { name: 'Requests' });
  const requestLink = requests.getByRole('link', { name: 'Access' });
  await requestLink.waitFor();
  expect(await requestLink.getAttribute('href')).toBe(`/privacy-desk/requests/${requestId}`);
  await requests.getByText(/ · due /).waitFor();

  // Log a note: a time that is no time is refused next to its field.
  await timeline.getByRole('button', { name: 'Log an activity' }).click();
  const form = timeline.getByRole('form', { name: 'Log an activity' });
  await form.getByRole('combobox', { name: 'Type' }).selectOption('note');
  await form.getByRole('textbox', { name: 'Subject' }).fill('Contract questions');
  await form
    .getByRole('textbox', { name: 'Text' })
    .fill('Asked about the notice period.\nWill send the draft.');
  const when = form.getByLabel('When');
  await when.fill('');
  await form.getByRole('button', { name: 'Log activity' }).click();
  await expect.poll(() => when.getAttribute('aria-invalid')).toBe('true');
  expect(await describedText(when)).not.toBe('');
  // A note has no duration or direction to fill in.
  expect(await form.getByLabel('Duration (minutes)').count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contact-log-activity-error');

  await when.fill('2026-02-01T14:30');
  await form.getByRole('searchbox', { name: 'Find a contact' }).fill('turing');
  await form.getByRole('searchbox', { name: 'Find a contact' }).press('Enter');
  await form.getByRole('button', { name: 'Add Alan Turing to the activity' }).click();
  await form.getByRole('link', { name: 'Alan Turing' }).waitFor();
  await form.getByRole('button', { name: 'Log activity' }).click();
  await timeline.getByRole('status').getByText('Note logged.').waitFor();
  const note = timeline.getByRole('article', { name: 'Note: Contract questions' });
  await note.getByText(/Asked about the notice period\.\s+Will send the draft\./).waitFor();
  await note.getByRole('link', { name: 'Alan Turing' }).waitFor();
  // It shows on the other person's timeline too.
  const alanTimeline = await admin<{ items: { subject: string }[] }>(
    'GET',
    `/api/v1/contacts/${alan}/activities`,
  );
  expect(alanTimeline.items.map((a) => a.subject)).toContain('Contract questions');

  // Edit it.
  await note.getByRole('button', { name: 'Edit' }).click();
  const edit = timeline.getByRole('form', { name: 'Edit note' });
  await edit.getByRole('textbox', { name: 'Subject' }).fill('Contract questions answered');
  await edit.getByRole('button', { name: 'Save activity' }).click();
  await timeline.getByRole('status').getByText('Activity saved.').waitFor();
  const edited = timeline.getByRole('article', { name: 'Note: Contract questions answered' });
  await edited.waitFor();

  // Add a task (a missing title is refused at its field), then mark it done.
  const tasks = page.getByRole('region', { name: 'Tasks' });
  await tasks.getByRole('button', { name: 'Add a task' }).click();
  const taskForm = tasks.getByRole('form', { name: 'Add a task' });
  await taskForm.getByRole('button', { name: 'Add task' }).click();
  const title = taskForm.getByRole('textbox', { name: 'Title' });
  await expect.poll(() => title.getAttribute('aria-invalid')).toBe('true');
  await title.fill('Send the draft contract');
  await taskForm.getByLabel('Due').fill('2026-02-03T09:00');
  await taskForm.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Sam Seller' });
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contact-add-task');
  await taskForm.getByRole('button', { name: 'Add task' }).click();
  await tasks.getByRole('status').getByText('Task Send the draft contract added.').waitFor();
  const task = tasks.getByRole('listitem').filter({ hasText: 'Send the draft contract' });
  await task.getByText('for Sam Seller').waitFor();
  await task.getByText('Open').waitFor();
  await task.getByRole('button', { name: 'Mark done' }).click();
  await task.getByText('Done').waitFor();
  expect(await task.getByRole('button', { name: 'Mark done' }).count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contact-timeline');

  // Delete the note: asked first, kept when the answer is no.
  await edited.getByRole('button', { name: 'Delete' }).click();
  await edited.getByRole('button', { name: 'Keep it' }).click();
  await edited.getByRole('button', { name: 'Delete' }).click();
  await edited.getByRole('button', { name: 'Yes, delete it' }).click();
  await timeline.getByRole('status').getByText('Activity deleted.').waitFor();
  await expect.poll(() => timeline.getByRole('article', { name: /Contract questions/ }).count()).toBe(0);

  // A phone: everything fits the width.
  await page.setViewportSize({ width: 390, height: 844 });
  await timeline.getByRole('button', { name: 'Log an activity' }).click();
  await timeline
    .getByRole('form', { name: 'Log an activity' })
    .getByRole('combobox', { name: 'Type' })
    .selectOption('call');
  expect(await overflowsSideways(page)).toBe(false);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await timeline.scrollIntoViewIfNeeded();
  await screenshot(page, 'contact-timeline-phone', { fullPage: false });
  await screenshot(page, 'contact-page-phone-full');
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  await context.close();
});

it('hides the requests panel from sales, and masks special-category text for them', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await openGrace(page, 'sam@example.test');
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await timeline.getByRole('article', { name: /Renewal call/ }).waitFor();
  await timeline.getByRole('button', { name: 'Log an activity' }).waitFor();
  // The flagged note: its text is masked, and it cannot be edited blind (only deleted).
  const flagged = timeline.getByRole('article', { name: 'Note: Availability' });
  await flagged.getByText('restricted for your role').waitFor();
  expect(await flagged.getByRole('button', { name: 'Edit' }).count()).toBe(0);
  await page.getByRole('region', { name: 'Tasks' }).waitFor();
  expect(await page.getByRole('region', { name: 'Requests' }).count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.context().close();
});

it('shows a read-only user the activity text as restricted, with no way to log or change activities', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await openGrace(page, 'rita@example.test');
  const timeline = page.getByRole('region', { name: 'Timeline' });
  const call = timeline.getByRole('article', { name: /Call \(outbound\)/ });
  await call.waitFor();
  expect(await call.getByText('restricted for your role').count()).toBe(2);
  expect(await page.getByText(/Renewal call|clause/).count()).toBe(0);
  expect(await timeline.getByRole('button', { name: 'Log an activity' }).count()).toBe(0);
  expect(await timeline.getByRole('button', { name: 'Delete' }).count()).toBe(0);
  expect(
    await page.getByRole('region', { name: 'Tasks' }).getByRole('button', { name: 'Add a task' }).count(),
  ).toBe(0);
  expect(await page.getByRole('region', { name: 'Requests' }).count()).toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'contact-timeline-restricted');
  await page.context().close();
});
