// @ts-check
// paperboy search-as-you-type. Progressive enhancement only: without this file the search form is an
// ordinary GET form and every result page is rendered by the server.
//
// While the reader types or changes a filter, the results below the form are replaced by the same
// server-rendered list fetched from /search/results, and the address bar follows along (replaceState,
// so typing does not flood the history and the URL can be shared or reloaded). Submitting the form
// still navigates as usual.

(function () {
  'use strict';

  const DEBOUNCE_MS = 250;

  const form = /** @type {HTMLFormElement | null} */ (document.querySelector('form[data-search-form]'));
  const results = document.getElementById('search-results');
  if (!form || !results) return;
  if (!window.fetch || !window.AbortController || !window.URLSearchParams || !window.FormData) return;
  if (!window.history || !window.history.replaceState) return;
  const searchForm = form;
  const resultsBox = results;

  /** Pending debounce timer. @type {number | undefined} */
  let timer;
  /** The request in flight, if any. @type {AbortController | null} */
  let controller = null;
  /** Number of the latest request; older responses are ignored. */
  let sequence = 0;
  /** Query string of the results on screen. */
  let shown = formQuery();
  /** Query string of the latest request (or of the results on screen). */
  let requested = shown;

  /**
   * The form's fields as a query string, without empty values. Values are trimmed as the server
   * trims them, so typing the space before the next word does not fetch the same results again.
   */
  function formQuery() {
    const params = new window.URLSearchParams();
    new window.FormData(searchForm).forEach(function (value, name) {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text !== '') params.append(name, text);
    });
    return params.toString();
  }

  /** @param {string} query */
  function updateLocation(query) {
    const url = '/search' + (query ? '?' + query : '');
    try {
      window.history.replaceState(window.history.state, '', url);
    } catch {
      // Some embedded browsers limit replaceState; the results are still shown.
    }
    const q = new window.URLSearchParams(query).get('q');
    document.title = (q ? 'Search: ' + q.trim() : 'Search papers') + ' · paperboy';
  }

  function cancel() {
    window.clearTimeout(timer);
    timer = undefined;
    if (controller) controller.abort();
    controller = null;
    resultsBox.removeAttribute('aria-busy');
  }

  function refresh() {
    timer = undefined;
    const query = formQuery();
    if (query === requested) return;
    if (controller) controller.abort();
    const ours = new window.AbortController();
    controller = ours;
    const number = ++sequence;
    requested = query;
    resultsBox.setAttribute('aria-busy', 'true');

    window
      .fetch('/search/results?' + query, {
        signal: ours.signal,
        headers: { accept: 'text/html' },
        credentials: 'same-origin',
      })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(
        function (html) {
          if (number !== sequence) return; // A newer request was made meanwhile.
          // Escaped, server-rendered HTML from our own origin (the same markup as /search renders).
          resultsBox.innerHTML = html;
          shown = query;
          updateLocation(query);
        },
        function () {
          // Aborted, offline or a server error: keep the results on screen. Forget the failed
          // request so that the same query can be tried again.
          if (number === sequence) requested = shown;
        },
      )
      .finally(function () {
        if (number !== sequence) return;
        controller = null;
        resultsBox.removeAttribute('aria-busy');
      });
  }

  /** @param {Event} event */
  function onEdit(event) {
    // Wait for the end of an IME composition.
    if (/** @type {InputEvent} */ (event).isComposing) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DEBOUNCE_MS);
  }

  searchForm.addEventListener('input', onEdit);
  // Selects and checkboxes in older browsers only fire change; an unchanged query is not fetched twice.
  searchForm.addEventListener('change', onEdit);
  searchForm.addEventListener('compositionend', onEdit);

  // A real submit navigates: stop anything that would replace the results underneath it.
  searchForm.addEventListener('submit', cancel);

  // Coming back through the back/forward cache: the form may have changed since the results were
  // fetched, so catch up.
  window.addEventListener('pageshow', function (event) {
    if (/** @type {PageTransitionEvent} */ (event).persisted && formQuery() !== shown) {
      requested = shown;
      refresh();
    }
  });
})();
