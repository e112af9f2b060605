// @ts-check
// Small improvements to the discussion on paper pages; everything works without this file.
// - Relative times ("3 hours ago") are recomputed from each <time datetime>: an anonymous page may
//   come from the page cache long after the server rendered it. Same thresholds as
//   src/web/relative-time.ts.
// - Opening a reply, edit or report form moves the focus into it.

(function () {
  'use strict';

  /** @type {[number, number, Intl.RelativeTimeFormatUnit][]} */
  const UNITS = [
    [60, 1, 'second'],
    [3600, 60, 'minute'],
    [86400, 3600, 'hour'],
    [30 * 86400, 86400, 'day'],
    [365 * 86400, 30 * 86400, 'month'],
    [Infinity, 365 * 86400, 'year'],
  ];
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

  /** @param {string} iso */
  function relative(iso) {
    const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
    const abs = Math.abs(seconds);
    if (Number.isNaN(abs)) return null;
    if (abs < 45) return 'just now';
    for (const [limit, size, unit] of UNITS) {
      if (abs < limit) return format.format(Math.round(seconds / size), unit);
    }
    return null;
  }

  function refreshTimes() {
    for (const el of document.querySelectorAll('time[data-relative]')) {
      const text = relative(el.getAttribute('datetime') || '');
      if (text) el.textContent = text;
    }
  }

  function start() {
    refreshTimes();
    window.setInterval(refreshTimes, 60_000);
    document.addEventListener(
      'toggle',
      (event) => {
        const details = /** @type {HTMLDetailsElement} */ (event.target);
        if (!details.classList || !details.classList.contains('comment-action') || !details.open) return;
        const field = /** @type {HTMLElement | null} */ (
          details.querySelector('textarea, input:not([type="hidden"]), button')
        );
        if (field) field.focus();
      },
      true,
    );
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
