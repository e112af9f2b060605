// @ts-check
// Upvote buttons without a page reload. Without this file each button is a form that posts and
// comes back (303) to the page; with it, a press toggles in place: the button changes at once, the
// server's answer then sets the true count, and if anything goes wrong the form is posted the
// ordinary way so the reader sees what happened (sign-in page, error page).

(function () {
  'use strict';

  /** Same as compactCount() in src/web/format.ts: "1.2k" for large counts. */
  /** @param {number} n */
  function compact(n) {
    if (n < 1000) return String(n);
    return (n / 1000).toFixed(n < 10000 ? 1 : 0).replace(/\.0$/, '') + 'k';
  }

  /** @param {HTMLFormElement} form */
  function csrfToken(form) {
    const meta = /** @type {HTMLMetaElement | null} */ (document.querySelector('meta[name="csrf-token"]'));
    if (meta && meta.content) return meta.content;
    const field = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="_csrf"]'));
    return field ? field.value : '';
  }

  /**
   * @param {HTMLFormElement} form
   * @param {boolean} pressed
   * @param {number} upvotes
   */
  function show(form, pressed, upvotes) {
    const button = form.querySelector('button');
    const count = /** @type {HTMLElement | null} */ (form.querySelector('[data-upvote-count]'));
    const next = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="vote"]'));
    if (button) {
      button.setAttribute('aria-pressed', pressed ? 'true' : 'false');
      button.title = upvotes + ' upvotes';
    }
    if (count)
      count.textContent = count.dataset.upvoteCount === 'compact' ? compact(upvotes) : String(upvotes);
    // What the form posts if it is ever submitted without this script: the opposite of now.
    if (next) next.value = pressed ? 'off' : 'on';
    form.dataset.upvotes = String(upvotes);
  }

  /** @param {HTMLFormElement} form */
  function currentCount(form) {
    if (form.dataset.upvotes) return Number(form.dataset.upvotes);
    const button = form.querySelector('button');
    const match = button ? /^(\d+)/.exec(button.title) : null;
    return match ? Number(match[1]) : 0;
  }

  /** @param {HTMLFormElement} form */
  async function toggle(form) {
    const button = form.querySelector('button');
    if (!button || form.dataset.busy) return;
    const wasPressed = button.getAttribute('aria-pressed') === 'true';
    const before = currentCount(form);
    const want = !wasPressed;
    form.dataset.busy = 'true';
    show(form, want, Math.max(0, before + (want ? 1 : -1)));
    try {
      const response = await window.fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          'x-csrf-token': csrfToken(form),
        },
        body: new window.URLSearchParams({ vote: want ? 'on' : 'off' }).toString(),
      });
      const type = response.headers.get('content-type') || '';
      if (!response.ok || type.indexOf('application/json') === -1) throw new Error('not a vote answer');
      const result = /** @type {{ upvotes: number, upvoted: boolean }} */ (await response.json());
      show(form, result.upvoted, result.upvotes);
    } catch {
      show(form, wasPressed, before);
      const vote = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="vote"]'));
      if (vote) vote.value = want ? 'on' : 'off';
      form.submit();
    } finally {
      delete form.dataset.busy;
    }
  }

  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof window.HTMLFormElement) || !form.hasAttribute('data-upvote')) return;
    event.preventDefault();
    void toggle(form);
  });
})();
