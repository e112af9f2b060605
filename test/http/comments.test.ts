// Paper discussions over real HTTP (app.inject) on the real app and database: posting, threads,
// editing and deleting one's own comments only, reports, sanitised rendering, the count on the
// paper, and the comment API with personal tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { cookiesOf, csrfTokenIn, signInAs } from '../helpers/session.ts';
import type { Session } from '../helpers/session.ts';

const PAPER = '2410.17243';
const OTHER = '2410.18234';
let t: TestApp;
let ada: Session;
let bob: Session;

beforeAll(async () => {
  t = await createTestApp();
  ada = await signInAs(t, { email: 'ada@example.org', handle: 'ada', displayName: 'Ada Lovelace' });
  bob = await signInAs(t, { email: 'bob@example.org', handle: 'bob', displayName: 'Bob' });
});
afterAll(async () => {
  await t.close();
});

function form(fields: Record<string, string>) {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

async function postComment(s: Session, body: string, paper = PAPER, parentId?: number): Promise<number> {
  const res = await s.inject({
    method: 'POST',
    url: `/papers/${paper}/comments`,
    ...form(parentId === undefined ? { comment: body } : { comment: body, parentId: String(parentId) }),
  });
  expect(res.statusCode).toBe(303);
  const match = new RegExp(`^/papers/${paper.replace('.', '\\.')}#comment-(\\d+)$`).exec(
    res.headers.location as string,
  );
  expect(match).not.toBeNull();
  return Number(match![1]);
}

async function numComments(paper = PAPER): Promise<number> {
  const res = await t.app.inject(`/api/papers/${paper}`);
  return (res.json() as { numComments: number }).numComments;
}

/** The <li> of one comment, up to where its replies start. */
function commentHtml(html: string, id: number): string {
  const start = html.indexOf(`id="comment-${id}"`);
  expect(start).toBeGreaterThan(-1);
  const end = html.indexOf('</article>', start);
  return html.slice(start, end);
}

describe('the discussion section', () => {
  it('invites anonymous readers to sign in, without forms', async () => {
    const res = await t.app.inject(`/papers/${PAPER}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="comments-heading"');
    expect(res.body).toContain('0 comments');
    expect(res.body).toContain(`href="/signin?next=${encodeURIComponent(`/papers/${PAPER}#comments`)}"`);
    expect(res.body).not.toContain('name="comment"');
  });

  it('gives signed-in readers the comment form with a CSRF token', async () => {
    const res = await ada.inject({ url: `/papers/${PAPER}` });
    expect(res.body).toMatch(
      /<form class="comment-form comment-new" method="post" action="\/papers\/2410\.17243\/comments">/,
    );
    expect(res.body).toContain('<label for="new-comment">Add a comment</label>');
    expect(res.body).toMatch(/name="_csrf" value="[^"]+"/);
  });
});

describe('posting and threads', () => {
  it('posts a comment, renders its Markdown and math, and counts it everywhere', async () => {
    const before = await numComments();
    const id = await postComment(ada, 'Great **result**, see $O(n^2)$ and https://example.org/x');
    const page = await t.app.inject(`/papers/${PAPER}`); // anonymous, from a refreshed cache
    const item = commentHtml(page.body, id);
    expect(item).toContain('<strong>result</strong>');
    expect(item).toContain('class="katex"');
    expect(item).toContain('<a href="https://example.org/x" rel="nofollow ugc noopener">');
    expect(item).toContain('href="/u/ada"');
    expect(item).toMatch(/<time datetime="[^"]+Z" title="[^"]+UTC" data-relative="true">just now<\/time>/);
    expect(await numComments()).toBe(before + 1);
    const daily = await t.app.inject(`/api/daily_papers?date=2026-11-27&limit=100`);
    const listed = (daily.json() as { paper: { id: string }; numComments: number }[]).find(
      (d) => d.paper.id === PAPER,
    );
    expect(listed?.numComments).toBe(before + 1);
    // The paper's card in the daily list shows the count and leads to the discussion.
    expect((await t.app.inject('/')).body).toContain(
      `<a class="chip" href="/papers/${PAPER}#comments">${before + 1} comment${before + 1 === 1 ? '' : 's'}</a>`,
    );
  });

  it('nests replies under their parent', async () => {
    const root = await postComment(ada, 'root comment');
    const reply = await postComment(bob, 'a reply', PAPER, root);
    const page = await ada.inject({ url: `/papers/${PAPER}` });
    const rootStart = page.body.indexOf(`id="comment-${root}"`);
    const repliesStart = page.body.indexOf('<ol class="comment-replies">', rootStart);
    expect(repliesStart).toBeGreaterThan(rootStart);
    expect(page.body.indexOf(`id="comment-${reply}"`, repliesStart)).toBeGreaterThan(repliesStart);
  });

  it('refuses a reply to a comment on another paper, giving the text back', async () => {
    const elsewhere = await postComment(ada, 'on the other paper', OTHER);
    const res = await bob.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      ...form({ comment: 'my <carefully> written reply', parentId: String(elsewhere) }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).toContain('You can only reply to a comment on the same paper.');
    expect(res.body).toContain('my &lt;carefully> written reply</textarea>');
    expect(res.body).toContain(`name="parentId" value="${elsewhere}"`);
  });

  it('refuses empty and overlong comments with a clear message and keeps the text', async () => {
    const empty = await ada.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      ...form({ comment: '   ' }),
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('The comment is empty.');
    const long = 'y'.repeat(10_001);
    const res = await ada.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      ...form({ comment: long }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The comment is 10,001 characters long; the limit is 10,000.');
    expect(res.body).toContain(`${long}</textarea>`);
  });

  it('sends signed-out posts to sign in, and refuses posts without the CSRF token', async () => {
    // A signed-out visitor with a CSRF pair (any form page gives one) is asked to sign in.
    const signin = await t.app.inject('/signin');
    const csrfCookie = cookiesOf(signin).pb_csrf!;
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      payload: new URLSearchParams({ comment: 'x', _csrf: csrfTokenIn(signin.body) }).toString(),
      headers: { cookie: `pb_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/signin\?next=/);
    const noToken = await t.app.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      ...form({ comment: 'x' }),
    });
    expect(noToken.statusCode).toBe(403);
    const forged = await t.app.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      payload: 'comment=x',
      headers: { cookie: ada.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.statusCode).toBe(403);
  });

  it('answers 404 for unknown papers', async () => {
    const res = await ada.inject({
      method: 'POST',
      url: '/papers/2410.99999/comments',
      ...form({ comment: 'x' }),
    });
    expect(res.statusCode).toBe(404);
  });

  it('renders hostile Markdown inert', async () => {
    const id = await postComment(
      ada,
      '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> $\\href{javascript:alert(1)}{y}$',
    );
    const item = commentHtml((await t.app.inject(`/papers/${PAPER}`)).body, id);
    expect(item).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(item).not.toMatch(/<script|<img|href="javascript/i);
  });
});

describe('editing and deleting', () => {
  it('lets authors edit their own comment, marked as edited', async () => {
    const id = await postComment(ada, 'first version');
    const res = await ada.inject({
      method: 'POST',
      url: `/comments/${id}/edit`,
      ...form({ comment: 'second version' }),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/papers/${PAPER}#comment-${id}`);
    const item = commentHtml((await ada.inject({ url: `/papers/${PAPER}` })).body, id);
    expect(item).toContain('second version');
    expect(item).toContain('(edited)');
    expect(item).toContain(`action="/comments/${id}/edit"`);
  });

  it("refuses to edit or delete someone else's comment with 403", async () => {
    const id = await postComment(ada, 'ada wrote this');
    const edit = await bob.inject({
      method: 'POST',
      url: `/comments/${id}/edit`,
      ...form({ comment: 'bob was here' }),
    });
    expect(edit.statusCode).toBe(403);
    expect(edit.body).toContain('You can only edit your own comments.');
    const del = await bob.inject({ method: 'POST', url: `/comments/${id}/delete` });
    expect(del.statusCode).toBe(403);
    const item = commentHtml((await bob.inject({ url: `/papers/${PAPER}` })).body, id);
    expect(item).toContain('ada wrote this');
    expect(item).not.toContain(`action="/comments/${id}/edit"`);
    expect(item).toContain(`action="/comments/${id}/report"`);
    // Each control says, to screen readers, which comment it is for.
    expect(item).toContain(
      '<summary>Report<span class="visually-hidden">: comment by Ada Lovelace</span></summary>',
    );
  });

  it('keeps a deleted comment with replies as [deleted] and drops one without, counting only visible ones', async () => {
    const before = await numComments();
    const root = await postComment(ada, 'to be deleted');
    const reply = await postComment(bob, 'reply stays', PAPER, root);
    const lonely = await postComment(ada, 'lonely, to be deleted');
    expect(await numComments()).toBe(before + 3);
    for (const id of [root, lonely]) {
      const res = await ada.inject({ method: 'POST', url: `/comments/${id}/delete` });
      expect(res.statusCode).toBe(303);
    }
    const page = (await t.app.inject(`/papers/${PAPER}`)).body;
    expect(commentHtml(page, root)).toContain('[deleted]');
    expect(commentHtml(page, root)).not.toContain('to be deleted');
    expect(commentHtml(page, reply)).toContain('reply stays');
    expect(page).not.toContain(`id="comment-${lonely}"`);
    expect(await numComments()).toBe(before + 1);
  });
});

describe('reports', () => {
  it('takes one report per reader and thanks them', async () => {
    const id = await postComment(ada, 'questionable');
    const first = await bob.inject({
      method: 'POST',
      url: `/comments/${id}/report`,
      ...form({ reason: 'spam', note: 'links to a shop' }),
    });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/papers/${PAPER}?reported=${id}#comment-${id}`);
    const thanks = await bob.inject({ url: first.headers.location as string });
    expect(thanks.body).toContain('the moderators will look at the comment you reported');
    const again = await bob.inject({
      method: 'POST',
      url: `/comments/${id}/report`,
      ...form({ reason: 'abuse' }),
    });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You have already reported this comment');
    const own = await ada.inject({
      method: 'POST',
      url: `/comments/${id}/report`,
      ...form({ reason: 'spam' }),
    });
    expect(own.statusCode).toBe(400);
    const rows = await t.container.database.db
      .selectFrom('commentReports')
      .selectAll()
      .where('commentId', '=', id)
      .execute();
    expect(rows.map((r) => [r.reporterId, r.reason])).toEqual([[bob.userId, 'spam\nlinks to a shop']]);
  });
});

describe('comment API', () => {
  async function token(s: Session): Promise<string> {
    return (await t.container.accounts.createApiToken(s.userId, 'tests')).token;
  }

  it('lists a paper’s comments in thread order', async () => {
    const root = await postComment(ada, 'api root', OTHER);
    const reply = await postComment(bob, 'api *reply*', OTHER, root);
    const res = await t.app.inject(`/api/papers/${OTHER}/comments`);
    expect(res.statusCode).toBe(200);
    const list = res.json() as Record<string, unknown>[];
    const ids = list.map((c) => c.id);
    expect(ids.indexOf(reply)).toBe(ids.indexOf(root) + 1);
    expect(list.find((c) => c.id === reply)).toEqual({
      id: reply,
      paperId: OTHER,
      parentId: root,
      depth: 1,
      status: 'visible',
      author: { name: 'bob', fullname: 'Bob' },
      raw: 'api *reply*',
      html: '<p>api <em>reply</em></p>',
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
      edited: false,
      paperboyUrl: `http://paperboy.test/papers/${OTHER}#comment-${reply}`,
    });
    expect((await t.app.inject('/api/papers/2410.99999/comments')).statusCode).toBe(404);
  });

  it('posts with a personal API token, answering 201 with the comment', async () => {
    const bearer = { authorization: `Bearer ${await token(ada)}` };
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: bearer,
      payload: { comment: 'from a **script**' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { id: number; html: string; author: unknown; parentId: unknown };
    expect(body).toMatchObject({ html: '<p>from a <strong>script</strong></p>', parentId: null });
    expect(body.author).toEqual({ name: 'ada', fullname: 'Ada Lovelace' });
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: bearer,
      payload: { comment: 'reply by script', parentId: body.id },
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json()).toMatchObject({ parentId: body.id, depth: 1 });
  });

  it('refuses requests without a token, and bad bodies with the parameter named', async () => {
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      payload: { comment: 'x' },
    });
    // Without a token the request is a cookie request, and has no CSRF token either.
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.json()).toMatchObject({ error: { status: 403 } });
    const bearer = { authorization: `Bearer ${await token(bob)}` };
    const missing = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: bearer,
      payload: {},
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: { status: 400, parameter: 'comment' } });
    const blank = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: bearer,
      payload: { comment: '  \n ' },
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ error: { message: 'The comment is empty.', parameter: 'comment' } });
  });

  it('documents both endpoints in the OpenAPI document', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const path = doc.paths['/api/papers/{id}/comments'];
    expect(Object.keys(path ?? {}).sort()).toEqual(['get', 'post']);
  });
});

describe('rate limit', () => {
  it('limits comment writes per account with 429 and Retry-After, losing nothing already posted', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_WRITES: '3' } });
    try {
      const s = await signInAs(limited, { email: 'fast@example.org', handle: 'fast' });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await s.inject({
          method: 'POST',
          url: `/papers/${PAPER}/comments`,
          ...form({ comment: `comment ${i}` }),
        });
        statuses.push(res.statusCode);
        if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([303, 303, 303, 429]);
      const stored = await limited.container.database.db.selectFrom('comments').select('body').execute();
      expect(stored.map((c) => c.body).sort()).toEqual(['comment 0', 'comment 1', 'comment 2']);
      // The refused text comes back in a form that can send it again, with the wait named.
      const refused = await s.inject({
        method: 'POST',
        url: `/papers/${PAPER}/comments`,
        ...form({ comment: 'a long *thought* <kept> as typed', parentId: '1' }),
      });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body).toContain('Your reply was not posted');
      expect(refused.body).toMatch(/role="alert"[^>]*>Too many requests\. Please wait \d+ seconds/);
      expect(refused.body).toContain('a long *thought* &lt;kept> as typed</textarea>');
      expect(refused.body).toContain('name="parentId" value="1"');
      expect(refused.body).toContain(`action="/papers/${PAPER}/comments"`);
      expect(refused.body).toContain('name="_csrf"');
      // An edit refused by the limit (each form has its own allowance) keeps the new text too.
      const [first] = await limited.container.database.db.selectFrom('comments').select('id').execute();
      const edit = async (comment: string) =>
        s.inject({ method: 'POST', url: `/comments/${first!.id}/edit`, ...form({ comment }) });
      for (let i = 0; i < 3; i++) expect((await edit(`edit ${i}`)).statusCode).toBe(303);
      const refusedEdit = await edit('edited words');
      expect(refusedEdit.statusCode).toBe(429);
      expect(refusedEdit.body).toContain('Your changes were not saved');
      expect(refusedEdit.body).toContain('edited words</textarea>');
    } finally {
      await limited.close();
    }
  });
});
