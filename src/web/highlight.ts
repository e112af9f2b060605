import { MARK_END, MARK_START } from '../search/search-backend.ts';
import { escapeHtml } from './render-math.ts';

/** Escapes backend text and turns its match markers into <mark> elements (nothing else survives). */
export function highlightHtml(marked: string): string {
  let open = false;
  let out = '';
  for (const part of marked.split(new RegExp(`([${MARK_START}${MARK_END}])`))) {
    if (part === MARK_START) {
      if (!open) out += '<mark>';
      open = true;
    } else if (part === MARK_END) {
      if (open) out += '</mark>';
      open = false;
    } else {
      out += escapeHtml(part);
    }
  }
  return open ? `${out}</mark>` : out;
}
