// The digest and alert emails: multipart HTML + plain text. The HTML is rendered once per distinct
// digest with placeholders for the per-subscriber links, CSS is inlined once (juice), and each
// subscriber's copy is a string replacement: 100,000 subscribers cost 1,000 renders, not 100,000.
// Mail clients strip <style> and scripts, so every rule that matters is inline; the <style> block
// only adds the dark-mode colours for clients that honour prefers-color-scheme.
import juice from 'juice';
import { render } from 'preact-render-to-string';
import type { PaperSummary } from '../db/repositories/paper-summaries.ts';

export interface DigestContent {
  kind: 'daily' | 'weekly' | 'topic';
  /** Heading and subject: "paperboy daily — 12 papers for Thu 26 Nov". */
  subject: string;
  heading: string;
  /** One sentence under the heading. */
  intro: string;
  papers: PaperSummary[];
  /** Papers in the period in all (more than shown when the digest keeps the top ones). */
  total: number;
  /** Where the whole list is on the site. */
  moreUrl: string;
}

/** A digest rendered once, to be personalised per subscriber. */
export interface DigestTemplate {
  subject: string;
  html: string;
  text: string;
  paperCount: number;
}

export interface SubscriberLinks {
  unsubscribeUrl: string;
  manageUrl: string;
}

const UNSUBSCRIBE = '%%PB_UNSUBSCRIBE_URL%%';
const MANAGE = '%%PB_MANAGE_URL%%';

const C = {
  bg: '#f7f6f2',
  surface: '#ffffff',
  border: '#e2ded5',
  text: '#1a1916',
  muted: '#625d54',
  accent: '#bf3d0d',
};

const DARK_CSS = `
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  body, .pb-bg { background: #161513 !important; color: #ece9e2 !important; }
  .pb-card { background: #211f1c !important; border-color: #3a3731 !important; }
  .pb-text { color: #ece9e2 !important; }
  .pb-muted { color: #a8a196 !important; }
  .pb-link { color: #ff8a5c !important; }
}`;

const CSS = `
body { margin: 0; padding: 0; background: ${C.bg}; color: ${C.text}; font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 16px; line-height: 1.5; }
.pb-bg { background: ${C.bg}; padding: 24px 12px; }
.pb-wrap { max-width: 640px; margin: 0 auto; }
.pb-brand { font-weight: 700; font-size: 14px; letter-spacing: 0.04em; color: ${C.accent}; text-decoration: none; }
.pb-heading { font-size: 22px; line-height: 1.3; margin: 8px 0 4px; color: ${C.text}; }
.pb-intro { margin: 0 0 16px; color: ${C.muted}; font-size: 14px; }
.pb-card { background: ${C.surface}; border: 1px solid ${C.border}; border-radius: 10px; padding: 14px 16px; margin: 0 0 12px; }
.pb-title { font-size: 17px; line-height: 1.35; margin: 0 0 4px; font-weight: 600; }
.pb-link { color: ${C.accent}; text-decoration: none; }
.pb-meta { margin: 0 0 6px; color: ${C.muted}; font-size: 13px; }
.pb-abstract { margin: 0 0 6px; color: ${C.text}; font-size: 14px; }
.pb-code { font-size: 13px; }
.pb-more { margin: 16px 0; font-size: 15px; }
.pb-footer { margin-top: 24px; color: ${C.muted}; font-size: 12px; line-height: 1.6; }
`;

function authorsLine(p: PaperSummary): string {
  const names = p.firstAuthors.join(', ');
  const rest = p.authorCount - p.firstAuthors.length;
  return rest > 0 ? `${names} +${rest}` : names;
}

/** The abstract's first sentences, cut at a word boundary. */
export function shortAbstract(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40))}…`;
}

function safeHttpUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function Card({ paper, baseUrl }: { paper: PaperSummary; baseUrl: string }) {
  const code = safeHttpUrl(paper.codeUrl);
  return (
    <div class="pb-card">
      <p class="pb-title">
        <a class="pb-link" href={`${baseUrl}/papers/${paper.id}`}>
          {paper.title}
        </a>
      </p>
      <p class="pb-meta pb-muted">
        ▲ {paper.upvotes} · {authorsLine(paper)}
        {paper.primaryCategory ? ` · ${paper.primaryCategory}` : ''}
      </p>
      <p class="pb-abstract pb-text">{shortAbstract(paper.abstract)}</p>
      {code ? (
        <p class="pb-code">
          <a class="pb-link" href={code}>
            Code: {code.replace(/^https?:\/\//, '').replace(/\/$/, '')}
          </a>
        </p>
      ) : null}
    </div>
  );
}

function Email({ content, baseUrl }: { content: DigestContent; baseUrl: string }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{content.subject}</title>
        <style>{CSS}</style>
        <style data-embed="">{DARK_CSS}</style>
      </head>
      <body>
        <div class="pb-bg">
          <div class="pb-wrap" role="article" aria-label={content.subject}>
            <a class="pb-brand" href={`${baseUrl}/`}>
              paperboy
            </a>
            <h1 class="pb-heading pb-text">{content.heading}</h1>
            <p class="pb-intro pb-muted">{content.intro}</p>
            {content.papers.map((p) => (
              <Card key={p.id} paper={p} baseUrl={baseUrl} />
            ))}
            {content.total > content.papers.length ? (
              <p class="pb-more">
                <a class="pb-link" href={content.moreUrl}>
                  All {content.total} papers on paperboy →
                </a>
              </p>
            ) : null}
            <p class="pb-footer pb-muted">
              You receive this because this address subscribed on paperboy.{' '}
              <a class="pb-link" href={MANAGE}>
                Manage your subscriptions
              </a>{' '}
              ·{' '}
              <a class="pb-link" href={UNSUBSCRIBE}>
                Unsubscribe
              </a>
            </p>
          </div>
        </div>
      </body>
    </html>
  );
}

function textVersion(content: DigestContent, baseUrl: string): string {
  const lines = [content.heading, '', content.intro, ''];
  content.papers.forEach((p, i) => {
    lines.push(`${i + 1}. ${p.title.replace(/\s+/g, ' ')}`);
    lines.push(`   ▲ ${p.upvotes} · ${authorsLine(p)}`);
    lines.push(`   ${baseUrl}/papers/${p.id}`);
    const code = safeHttpUrl(p.codeUrl);
    if (code) lines.push(`   Code: ${code}`);
    lines.push(`   ${shortAbstract(p.abstract, 200)}`, '');
  });
  if (content.total > content.papers.length)
    lines.push(`All ${content.total} papers: ${content.moreUrl}`, '');
  lines.push('-- ', `Manage your subscriptions: ${MANAGE}`, `Unsubscribe: ${UNSUBSCRIBE}`);
  return lines.join('\n');
}

/** Renders a digest once; `personalise` turns it into one subscriber's message. */
export function renderDigest(content: DigestContent, baseUrl: string): DigestTemplate {
  const html = `<!doctype html>${render(<Email content={content} baseUrl={baseUrl} />)}`;
  return {
    subject: content.subject,
    // preserveMediaQueries keeps the dark-mode rules in a <style> for the clients that read it.
    html: juice(html, { preserveMediaQueries: true, removeStyleTags: true, applyStyleTags: true }),
    text: textVersion(content, baseUrl),
    paperCount: content.papers.length,
  };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function personalise(
  template: DigestTemplate,
  links: SubscriberLinks,
): { html: string; text: string } {
  const unsubscribe = escapeAttribute(links.unsubscribeUrl);
  const manage = escapeAttribute(links.manageUrl);
  return {
    html: template.html.replaceAll(UNSUBSCRIBE, unsubscribe).replaceAll(MANAGE, manage),
    text: template.text.replaceAll(UNSUBSCRIBE, links.unsubscribeUrl).replaceAll(MANAGE, links.manageUrl),
  };
}
