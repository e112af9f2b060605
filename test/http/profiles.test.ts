// Profiles (/u/:handle) over the real app and database: who the user is, their submissions, upvotes
// and comments in tabs, pagination, bans, case-folded handles, and their submissions feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenIn, signInAs } from '../helpers/session.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let alice: number;
let listedByAlice: string[];
/** Paper ids in the order alice upvoted them (oldest vote first). */
let votedByAlice: string[];
let comments: { visible: number; reply: number; deleted: number; hidden: number; onHiddenPaper: number };

async function addUser(handle: string, displayName: string, role = 'user', bannedAt: string | null = null) {
  const row = await t.container.database.db
    .insertInto('users')
    .values({
      email: `${handle}@example.test`,
      handle,
      displayName,
      role,
      createdAt: '2026-03-04T10:00:00.000Z',
      bannedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addComment(paperId: string, body: string, at: string, extra: object = {}) {
  const row = await t.container.database.db
    .insertInto('comments')
    .values({ paperId, userId: alice, body, createdAt: at, updatedAt: at, parentId: null, ...extra })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function cardLinks(html: string): string[] {
  return [...html.matchAll(/<h2 class="paper-title"[^>]*>.*?<a href="([^"]+)"/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.container.database.db;
  alice = await addUser('alice', 'Alice <Liddell>');
  await addUser('mod', 'Mo Derator', 'moderator');
  await addUser('root', 'Ada Admin', 'admin');
  await addUser('banned', 'Bad Actor', 'user', '2026-11-20T08:00:00.000Z');

  // Alice submitted three listed papers; the newest listing comes first on her profile.
  const listings = await db
    .selectFrom('listings')
    .select(['paperId', 'listedAt'])
    .orderBy('listedAt', 'desc')
    .orderBy('paperId')
    .limit(3)
    .offset(40)
    .execute();
  for (const l of listings) {
    await db.updateTable('listings').set({ submittedBy: alice }).where('paperId', '=', l.paperId).execute();
  }
  listedByAlice = listings.map((l) => l.paperId);

  // 33 upvotes, one a minute, so the list has two pages and a known order.
  const papers = await db.selectFrom('papers').select('id').orderBy('id').limit(33).execute();
  votedByAlice = papers.map((p) => p.id);
  for (const [i, id] of votedByAlice.entries()) {
    const at = new Date(Date.UTC(2026, 10, 1, 12, i)).toISOString();
    await db.insertInto('votes').values({ userId: alice, paperId: id, createdAt: at }).execute();
  }

  const [p1, p2, p3] = votedByAlice as [string, string, string];
  comments = {
    visible: await addComment(
      p1,
      'First thought.\n\n<script>alert(1)</script> **bold**',
      '2026-11-02T10:00:00Z',
    ),
    reply: 0,
    deleted: await addComment(p1, 'deleted words', '2026-11-03T10:00:00Z', {
      deletedAt: '2026-11-03T11:00:00Z',
    }),
    hidden: await addComment(p1, 'hidden words', '2026-11-04T10:00:00Z', {
      hiddenAt: '2026-11-04T11:00:00Z',
    }),
    onHiddenPaper: await addComment(p3, 'on a hidden paper', '2026-11-05T10:00:00Z'),
  };
  comments.reply = await addComment(p2, 'A reply.', '2026-11-06T10:00:00Z', { parentId: comments.visible });
  await db.updateTable('papers').set({ hiddenAt: '2026-11-07T00:00:00Z' }).where('id', '=', p3).execute();
  t.container.database.noteWrite();
});

afterAll(async () => {
  await t.close();
});

describe('profile page', () => {
  it('shows the user, escaped, with counts and the submitted tab by default', async () => {
    const res = await t.app.inject('/u/alice');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1 id="profile-heading">Alice &lt;Liddell></h1>');
    expect(res.body).toContain('@alice');
    expect(res.body).toContain('Joined <time datetime="2026-03-04T10:00:00.000Z">Mar 4, 2026</time>');
    expect(res.body).not.toContain('role-badge');
    expect(res.body).not.toContain('profile-banned');
    // Counts leave out what the public cannot see: a hidden paper's vote and comments.
    expect(res.body).toMatch(/Submitted <span class="tab-count">3<\/span>/);
    expect(res.body).toMatch(/Upvoted <span class="tab-count">32<\/span>/);
    expect(res.body).toMatch(/Comments <span class="tab-count">2<\/span>/);
    expect(res.body).toMatch(/<a class="tab" href="\/u\/alice" aria-current="page">/);
    expect(cardLinks(res.body)).toEqual(listedByAlice.map((id) => `/papers/${id}`));
    expect(res.body).toContain('<link rel="canonical" href="http://paperboy.test/u/alice"/>');
  });

  it('lists upvotes newest vote first over two pages', async () => {
    const visible = votedByAlice.filter((id) => id !== votedByAlice[2]).reverse();
    const first = await t.app.inject('/u/alice?tab=upvoted');
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatch(/<a class="tab" href="\/u\/alice\?tab=upvoted" aria-current="page">/);
    expect(cardLinks(first.body)).toEqual(visible.slice(0, 30).map((id) => `/papers/${id}`));
    expect(first.body).toContain('<link rel="canonical" href="http://paperboy.test/u/alice?tab=upvoted"/>');
    expect(first.body).toContain('href="/u/alice?tab=upvoted&amp;p=1"');
    const second = await t.app.inject('/u/alice?tab=upvoted&p=1');
    expect(cardLinks(second.body)).toEqual(visible.slice(30).map((id) => `/papers/${id}`));
    expect(second.body).toContain('rel="prev" href="/u/alice?tab=upvoted"');
    expect(second.body).not.toContain('rel="next"');
  });

  it('lists visible comments with links to their anchors, the text escaped', async () => {
    const res = await t.app.inject('/u/alice?tab=comments');
    expect(res.statusCode).toBe(200);
    const anchors = [...res.body.matchAll(/href="\/papers\/[^"#]+#comment-(\d+)"/g)].map((m) => Number(m[1]));
    expect(anchors).toEqual([comments.reply, comments.visible]);
    expect(res.body).toContain(`href="/papers/${votedByAlice[0]}#comment-${comments.visible}"`);
    expect(res.body).toContain('Reply on ');
    // Markdown, rendered as on the paper page; raw HTML stays text.
    expect(res.body).toContain('<strong>bold</strong>');
    expect(res.body).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;|&lt;script>alert\(1\)&lt;\/script>/);
    expect(res.body).not.toContain('<script>alert(1)');
    for (const gone of ['deleted words', 'hidden words', 'on a hidden paper']) {
      expect(res.body).not.toContain(gone);
    }
  });

  it('shows role badges and bans', async () => {
    expect((await t.app.inject('/u/mod')).body).toContain(
      '<span class="role-badge role-moderator">Moderator</span>',
    );
    expect((await t.app.inject('/u/root')).body).toContain(
      '<span class="role-badge role-admin">Admin</span>',
    );
    const banned = await t.app.inject('/u/banned');
    expect(banned.statusCode).toBe(200);
    expect(banned.body).toContain('This account is banned');
    expect(banned.body).toContain('has not submitted any papers yet.');
  });

  it('redirects another spelling of a handle to the profile, keeping the query', async () => {
    const res = await t.app.inject('/u/ALICE?tab=comments');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/u/alice?tab=comments');
  });

  it('answers 404 for unknown users and 400 for bad parameters', async () => {
    expect((await t.app.inject('/u/nobody')).statusCode).toBe(404);
    const tab = await t.app.inject('/u/alice?tab=secrets');
    expect(tab.statusCode).toBe(400);
    expect(tab.body).toContain('tab must be one of submitted, upvoted, comments');
    expect((await t.app.inject('/u/alice?p=-1')).statusCode).toBe(400);
    expect((await t.app.inject('/u/alice?p=1&p=2')).statusCode).toBe(400);
  });

  it('announces and serves the submissions feed', async () => {
    const page = await t.app.inject('/u/alice');
    expect(page.body).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(page.body).toContain('href="/feeds/user/alice.atom"');
    const res = await t.app.inject('/feeds/user/alice.json');
    expect(res.statusCode).toBe(200);
    const feed = res.json() as { title: string; home_page_url: string; items: { id: string }[] };
    expect(feed.title).toBe('Papers submitted by Alice <Liddell> (@alice) · paperboy');
    expect(feed.home_page_url).toBe('http://paperboy.test/u/alice');
    expect(feed.items.map((i) => i.id)).toEqual(
      listedByAlice.map((id) => `http://paperboy.test/papers/${id}`),
    );
    const rss = await t.app.inject('/feeds/user/alice.rss');
    expect(rss.statusCode).toBe(200);
    expect(rss.body).toContain(
      '<title>Papers submitted by Alice &lt;Liddell&gt; (@alice) · paperboy</title>',
    );
    expect((await t.app.inject('/feeds/user/nobody.rss')).statusCode).toBe(404);
  });
});

describe('moderation controls on profiles', () => {
  const banForm = /<form class="moderation-form" method="post" action="\/admin\/users\/(\d+)\/ban">/;

  it('let a moderator ban and unban from the profile, coming back to it', async () => {
    const moderator = await signInAs(t, {
      email: 'warden@example.test',
      handle: 'warden',
      role: 'moderator',
    });
    const page = await moderator.inject({ url: '/u/alice' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(banForm.exec(page.body)?.[1]).toBe(String(alice));
    expect(page.body).toContain('<input type="hidden" name="next" value="/u/alice"/>');

    const banned = await moderator.inject({
      method: 'POST',
      url: `/admin/users/${alice}/ban`,
      payload: { _csrf: csrfTokenIn(page.body), reason: 'spam', next: '/u/alice' },
    });
    expect(banned.statusCode).toBe(303);
    expect(banned.headers.location).toBe('/u/alice');
    // Everyone sees the ban, from the shared cache too.
    expect((await t.app.inject('/u/alice')).body).toContain('This account is banned');
    const after = await moderator.inject({ url: '/u/alice' });
    expect(after.body).not.toMatch(banForm);
    expect(after.body).toContain(`action="/admin/users/${alice}/unban"`);

    const lifted = await moderator.inject({
      method: 'POST',
      url: `/admin/users/${alice}/unban`,
      payload: { _csrf: csrfTokenIn(after.body), reason: 'appeal', next: '/u/alice' },
    });
    expect(lifted.statusCode).toBe(303);
    expect((await t.app.inject('/u/alice')).body).not.toContain('This account is banned');
  });

  it("are not shown to readers, on one's own profile, or for moderators and admins above one", async () => {
    expect((await t.app.inject('/u/alice')).body).not.toContain('/admin/users/');
    const reader = await signInAs(t, { email: 'reader@example.test', handle: 'reader' });
    expect((await reader.inject({ url: '/u/alice' })).body).not.toContain('/admin/users/');
    // Only on one's own profile: a way to change it.
    expect((await reader.inject({ url: '/u/alice' })).body).not.toContain('Edit your profile');
    expect((await reader.inject({ url: '/u/reader' })).body).toContain(
      '<a href="/settings">Edit your profile</a>',
    );
    const moderator = await signInAs(t, {
      email: 'keeper@example.test',
      handle: 'keeper',
      role: 'moderator',
    });
    expect((await moderator.inject({ url: '/u/keeper' })).body).not.toContain('/admin/users/');
    expect((await moderator.inject({ url: '/u/mod' })).body).not.toContain('/admin/users/');
    expect((await moderator.inject({ url: '/u/root' })).body).not.toContain('/admin/users/');
    const admin = await signInAs(t, { email: 'boss@example.test', handle: 'boss', role: 'admin' });
    expect((await admin.inject({ url: '/u/mod' })).body).toMatch(banForm);
  });
});
