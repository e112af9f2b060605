// Signing in the way a person does, in a real browser: the sign-in form, the link from the
// outbox mail, the confirm button.
import type { Page } from 'playwright-core';
import { outboxFiles, signinLinkFor } from './session.ts';
import type { TestApp } from './test-app.ts';

export async function signInThroughPages(page: Page, base: string, t: TestApp, email: string): Promise<void> {
  await page.goto(`${base}/signin`);
  const seen = outboxFiles(t);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('status').waitFor();
  const link = new URL(await signinLinkFor(t, email, seen));
  await page.goto(`${base}${link.pathname}${link.search}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
}
