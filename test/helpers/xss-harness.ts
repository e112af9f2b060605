// What the XSS end-to-end test watches for in real Chromium, in one place: any call of the payloads'
// marker function, dialogs, CSP violations (a payload that reached the page as markup and was only
// stopped by the CSP still counts: escaping must have stopped it first), requests to the attacker's
// host, a title a payload set, and markup that would run on interaction (on* attributes,
// javascript:/data: URLs, frames, plugins, <base>, remote styles).
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const EVIL_HOST = 'evil.example';

export interface Payload {
  id: number;
  name: string;
  /** The payload with its marker id filled in. */
  text: string;
}

/** The corpus, each payload's `{{ID}}` replaced by its 1-based number. */
export function loadPayloads(): Payload[] {
  const file = path.resolve(import.meta.dirname, '../fixtures/xss-payloads.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { payloads: { name: string; payload: string }[] };
  return doc.payloads.map((p, i) => ({
    id: i + 1,
    name: p.name,
    text: p.payload.replaceAll('{{ID}}', String(i + 1)),
  }));
}

export interface Finding {
  kind: 'marker' | 'dialog' | 'csp' | 'request' | 'title' | 'markup';
  url: string;
  detail: string;
}

export class XssWatch {
  readonly findings: Finding[] = [];

  /** Installs the marker binding, the CSP listener, dialog capture and the attacker-host trap. */
  static async install(context: BrowserContext): Promise<XssWatch> {
    const watch = new XssWatch();
    await context.exposeBinding('__xss', (source, id: unknown) => {
      watch.findings.push({ kind: 'marker', url: source.page.url(), detail: `__xss(${String(id)})` });
    });
    await context.exposeBinding('__xssCsp', (source, detail: string) => {
      watch.findings.push({ kind: 'csp', url: source.page.url(), detail });
    });
    await context.addInitScript(() => {
      const report = (window as unknown as { __xssCsp: (d: string) => void }).__xssCsp;
      document.addEventListener('securitypolicyviolation', (e) => {
        report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}: ${e.sample}`);
      });
    });
    await context.route(
      (url) => url.hostname === EVIL_HOST || url.hostname.endsWith(`.${EVIL_HOST}`),
      async (route) => {
        watch.findings.push({
          kind: 'request',
          url: route.request().frame().url(),
          detail: route.request().url(),
        });
        await route.abort();
      },
    );
    context.on('page', (page) => watch.watchDialogs(page));
    for (const page of context.pages()) watch.watchDialogs(page);
    return watch;
  }

  private watchDialogs(page: Page): void {
    page.on('dialog', (dialog) => {
      this.findings.push({
        kind: 'dialog',
        url: page.url(),
        detail: `${dialog.type()}: ${dialog.message()}`,
      });
      void dialog.dismiss();
    });
  }

  /** Opens a page, waits until it is idle, and records any markup or title a payload left. */
  async visit(page: Page, url: string): Promise<void> {
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || response.status() >= 400) {
      throw new Error(`${url} answered ${response?.status() ?? 'nothing'}`);
    }
    await this.inspect(page);
  }

  async inspect(page: Page): Promise<void> {
    // Give timers, autofocus and media errors a moment to fire.
    await page.waitForTimeout(30);
    const title = await page.title();
    if (title.startsWith('XSS')) this.findings.push({ kind: 'title', url: page.url(), detail: title });
    for (const detail of await page.evaluate(dangerousMarkup)) {
      this.findings.push({ kind: 'markup', url: page.url(), detail });
    }
  }

  take(): Finding[] {
    return this.findings.splice(0);
  }
}

/** Runs in the page: everything in the DOM that could run script or leak on interaction. */
function dangerousMarkup(): string[] {
  const out: string[] = [];
  const URL_ATTRIBUTES = new Set([
    'href',
    'src',
    'action',
    'formaction',
    'xlink:href',
    'data',
    'background',
    'poster',
    'codebase',
    'cite',
  ]);
  const FORBIDDEN_TAGS = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base']);
  const describe = (el: Element) => `<${el.localName}> ${el.outerHTML.slice(0, 160)}`;
  for (const el of Array.from(document.querySelectorAll('*'))) {
    const tag = el.localName;
    if (FORBIDDEN_TAGS.has(tag)) out.push(`forbidden element ${describe(el)}`);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) out.push(`meta http-equiv ${describe(el)}`);
    if (tag === 'script' && !/^\/assets\//.test(el.getAttribute('src') ?? '')) {
      out.push(`script not from /assets/ ${describe(el)}`);
    }
    if (tag === 'style' && document.body.contains(el)) out.push(`style element in the body ${describe(el)}`);
    if (
      tag === 'link' &&
      !/^\/assets\//.test(el.getAttribute('href') ?? '') &&
      el.getAttribute('rel') !== 'alternate' &&
      el.getAttribute('rel') !== 'canonical'
    ) {
      out.push(`link to elsewhere ${describe(el)}`);
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) out.push(`event handler ${name} on ${describe(el)}`);
      if (name === 'srcdoc') out.push(`srcdoc on ${describe(el)}`);
      if (URL_ATTRIBUTES.has(name)) {
        // Browsers ignore white space and control characters inside the scheme.
        // eslint-disable-next-line no-control-regex
        const value = attr.value.replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
        if (/^(javascript|vbscript|data):/.test(value)) out.push(`${name}=${attr.value} on ${describe(el)}`);
        let host = '';
        try {
          host = new URL(attr.value, document.baseURI).hostname;
        } catch {
          // not a URL at all: nothing to load
        }
        if (host === 'evil.example' || host.endsWith('.evil.example')) {
          out.push(`${name} to the attacker on ${describe(el)}`);
        }
      }
      if (name === 'style' && /url\s*\(|expression|position|@import|behavior/i.test(attr.value)) {
        out.push(`style ${attr.value} on ${describe(el)}`);
      }
    }
  }
  return out;
}
