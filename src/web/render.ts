import type { JSX } from 'preact';
import { render } from 'preact-render-to-string';

/** A full HTML document from a page component. Preact escapes every text and attribute value. */
export function renderDocument(vnode: JSX.Element): string {
  return `<!doctype html>${render(vnode)}`;
}

/** An HTML fragment (no doctype), e.g. the search results that search-as-you-type swaps in. */
export function renderFragment(vnode: JSX.Element): string {
  return render(vnode);
}
