// /settings: profile validation, sessions and tokens, through the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ seed: false });
});
afterAll(async () => t?.close());

describe('settings', () => {
  it('saves a valid profile and shows it in the header', async () => {
    const s = await signInAs(t, { email: 'ada@example.org' });
    const page = await s.inject({ url: '/settings' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="ada"');
    const saved = await s.inject({
      method: 'POST',
      url: '/settings/profile',
      payload: { handle: '  Ada_L ', displayName: '  Ada   Lovelace ' },
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/settings?saved=profile');
    const after = await s.inject({ url: '/settings?saved=profile' });
    expect(after.body).toContain('Your profile was saved.');
    expect(after.body).toContain('>@ada_l</a>');
    expect(after.body).toContain('value="Ada Lovelace"');
  });

  it.each([
    [{ handle: 'admin', displayName: 'X' }, 400, '“admin” is reserved'],
    [{ handle: 'a', displayName: 'X' }, 400, '2 to 30 characters'],
    [{ handle: 'no spaces', displayName: 'X' }, 400, 'lower-case letters'],
    [{ handle: 'grace', displayName: '' }, 400, 'Enter a display name'],
    [{ handle: 'taken', displayName: 'X' }, 409, '“taken” is taken'],
  ])('refuses %j with %i and keeps what was typed', async (form, status, message) => {
    await t.container.accounts.ensureUser('owner@example.org', { handle: 'taken' });
    const s = await signInAs(t, { email: `grace${Math.random()}@example.org`.replace('0.', '') });
    const res = await s.inject({ method: 'POST', url: '/settings/profile', payload: form });
    expect(res.statusCode).toBe(status);
    expect(res.body).toContain(message);
    expect(res.body).toContain(`value="${form.handle}"`);
    expect(res.body).toContain('aria-invalid="true"');
  });

  it('lists the sessions and marks the current one', async () => {
    const s = await signInAs(t, { email: 'sessions@example.org' });
    await signInAs(t, { email: 'sessions@example.org' });
    const res = await s.inject({ url: '/settings' });
    const items = res.body.match(/signed in \d{4}-\d{2}-\d{2}/g) ?? [];
    expect(items).toHaveLength(2);
    expect(res.body.match(/this browser/g)).toHaveLength(1);
  });

  it('refuses a token without a name', async () => {
    const s = await signInAs(t, { email: 'tokens@example.org' });
    const res = await s.inject({ method: 'POST', url: '/settings/tokens', payload: { name: '   ' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Give the token a name');
    expect(await t.container.accounts.apiTokensOf(s.userId)).toEqual([]);
  });
});
