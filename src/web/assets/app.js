// @ts-check
// paperboy progressive enhancement. Everything works without this file; it only adds the theme toggle.
//
// The reader's choice is stored in localStorage only while it differs from the system preference, so
// choosing the system's own theme again goes back to following the system.

(function () {
  'use strict';

  const STORAGE_KEY = 'paperboy-theme';
  const root = document.documentElement;
  const media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  /** @returns {'light' | 'dark' | null} */
  function storedTheme() {
    try {
      const value = localStorage.getItem(STORAGE_KEY);
      return value === 'light' || value === 'dark' ? value : null;
    } catch {
      return null; // Storage can be disabled; the site then simply follows the system.
    }
  }

  /** @param {'light' | 'dark' | null} value */
  function storeTheme(value) {
    try {
      if (value) localStorage.setItem(STORAGE_KEY, value);
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Ignore: the choice then lasts for this page only.
    }
  }

  /** @returns {'light' | 'dark'} */
  function systemTheme() {
    return media && media.matches ? 'dark' : 'light';
  }

  /** @returns {'light' | 'dark'} */
  function effectiveTheme() {
    return storedTheme() || systemTheme();
  }

  /** @param {'light' | 'dark' | null} value */
  function applyTheme(value) {
    if (value) root.dataset.theme = value;
    else delete root.dataset.theme;
  }

  // Apply the stored choice straight away, before the toggle is wired up.
  applyTheme(storedTheme());

  const SVG_NS = 'http://www.w3.org/2000/svg';

  /**
   * A 24×24 outline icon.
   * @param {'sun' | 'moon'} name
   */
  function icon(name) {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('fill', 'none');
    svg.setAttribute('stroke', 'currentColor');
    svg.setAttribute('stroke-width', '2');
    svg.setAttribute('stroke-linecap', 'round');
    svg.setAttribute('stroke-linejoin', 'round');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const shapes =
      name === 'sun'
        ? [
            ['circle', { cx: '12', cy: '12', r: '4' }],
            [
              'path',
              {
                d: 'M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4',
              },
            ],
          ]
        : [['path', { d: 'M20.5 14.5A8.5 8.5 0 0 1 9.5 3.5a8.5 8.5 0 1 0 11 11z' }]];
    shapes.forEach(function (shape) {
      const el = document.createElementNS(SVG_NS, /** @type {string} */ (shape[0]));
      const attrs = /** @type {Record<string, string>} */ (shape[1]);
      Object.keys(attrs).forEach(function (key) {
        el.setAttribute(key, attrs[key] || '');
      });
      svg.appendChild(el);
    });
    return svg;
  }

  /** @param {HTMLButtonElement} button */
  function render(button) {
    const dark = effectiveTheme() === 'dark';
    button.setAttribute('aria-pressed', dark ? 'true' : 'false');
    button.setAttribute('aria-label', 'Dark theme');
    button.title = dark ? 'Switch to the light theme' : 'Switch to the dark theme';
    // Show what a press will switch to, as most sites do.
    button.replaceChildren(icon(dark ? 'sun' : 'moon'));
  }

  function init() {
    const button = /** @type {HTMLButtonElement | null} */ (document.querySelector('[data-theme-toggle]'));
    if (!button) return;
    const toggle = button;

    toggle.addEventListener('click', function () {
      const next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      const choice = next === systemTheme() ? null : next;
      storeTheme(choice);
      applyTheme(choice);
      render(toggle);
    });

    if (media) {
      const onSystemChange = function () {
        render(toggle);
      };
      media.addEventListener('change', onSystemChange);
    }

    // Another tab changed the theme.
    window.addEventListener('storage', function (event) {
      if (event.key !== STORAGE_KEY) return;
      applyTheme(storedTheme());
      render(toggle);
    });

    render(toggle);
    toggle.hidden = false;
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
