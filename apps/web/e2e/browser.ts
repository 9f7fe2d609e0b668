import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig, type SmtpConfig } from '../../server/src/platform/config.js';
import { createLogger } from '../../server/src/platform/log.js';
import { type RunningServer, startServer } from '../../server/src/server.js';

export const screenshotDir = path.resolve('screenshots');

/**
 * The real server on a fresh embedded database, serving the built web app. `env` adds settings as the
 * environment would (`CONTROLLER_NAME`, `PUBLIC_FORM_RATE_LIMIT`…); `smtp` sends its mail to an SMTP server
 * (the in-process test server of apps/server/src/test/smtp.ts, whose captured mails a test then reads).
 */
export async function startTestServer(
  options: { env?: Record<string, string>; smtp?: SmtpConfig } = {},
): Promise<{
  server: RunningServer;
  dataDir: string;
  close(): Promise<void>;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-e2e-'));
  const config = {
    ...loadConfig({ DATA_DIR: path.join(dataDir, 'data'), LOG_LEVEL: 'warn', ...options.env }),
    port: 0,
    host: '127.0.0.1',
    ...(options.smtp ? { smtp: options.smtp } : {}),
  };
  const server = await startServer(config, createLogger('warn'));
  return {
    server,
    dataDir,
    close: async () => {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, without the background traffic this closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The whole page, or with `fullPage: false` what the window shows (a phone's first screen). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: options.fullPage ?? true,
  });
}

/**
 * Runs axe-core in the page and returns the serious and critical violations, each as one readable line.
 * The script goes in through the DevTools protocol, so the app's Content-Security-Policy stays on.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  );
  // A run that checked nothing would pass silently.
  if (results.passes.length === 0) throw new Error('axe-core checked no rule on this page');
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
