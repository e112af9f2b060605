import type { ComponentChildren } from 'preact';
import { useViewer } from '../viewer-context.ts';
import { AccountNav } from './account-nav.tsx';

export interface LayoutProps {
  title: string;
  description?: string;
  /** Path of the current section, to mark the active navigation link. */
  section?: 'daily' | 'weekly' | 'monthly' | 'trending' | null;
  children: ComponentChildren;
  /** Absolute canonical URL, when the page has one. */
  canonical?: string;
  /** Pages with LaTeX load KaTeX's stylesheet. */
  math?: boolean;
  /** Feeds of the same list, announced for feed-reader autodiscovery. */
  alternates?: AlternateLink[];
  /** Extra `<meta name content>` tags, e.g. Highwire citation_* tags for reference managers. */
  meta?: MetaTag[];
}

export interface AlternateLink {
  type: string;
  title: string;
  href: string;
}

export interface MetaTag {
  name: string;
  content: string;
}

const NAV: { key: NonNullable<LayoutProps['section']>; href: string; label: string }[] = [
  { key: 'daily', href: '/', label: 'Daily' },
  { key: 'weekly', href: '/papers/week', label: 'Weekly' },
  { key: 'monthly', href: '/papers/month', label: 'Monthly' },
  { key: 'trending', href: '/papers/trending', label: 'Trending' },
];

export function Layout(props: LayoutProps) {
  const { csrfToken } = useViewer();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title === 'paperboy' ? props.title : `${props.title} · paperboy`}</title>
        <meta name="description" content={props.description ?? 'Trending research papers, every day.'} />
        <meta name="color-scheme" content="light dark" />
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        {props.alternates?.map((a) => (
          <link rel="alternate" type={a.type} title={a.title} href={a.href} />
        ))}
        {props.meta?.map((m) => (
          <meta name={m.name} content={m.content} />
        ))}
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        {props.math ? <link rel="stylesheet" href="/assets/katex/katex.min.css" /> : null}
        {/* fetch() calls send this back as x-csrf-token (only personal pages have one). */}
        {csrfToken ? <meta name="csrf-token" content={csrfToken} /> : null}
        {/* Not deferred: it applies the saved theme before the first paint; it is tiny. */}
        <script src="/assets/app.js"></script>
        {/* Vote buttons toggle in place; only signed-in pages (they have a token) have them. */}
        {csrfToken ? <script src="/assets/upvote.js" defer></script> : null}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="container header-inner">
            <a class="brand" href="/" aria-label="paperboy home">
              <span class="brand-mark" aria-hidden="true">
                ✦
              </span>
              paperboy
            </a>
            <nav class="site-nav" aria-label="Feeds">
              <ul>
                {NAV.map((item) => (
                  <li>
                    <a href={item.href} aria-current={props.section === item.key ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <form class="header-search" role="search" action="/search" method="get">
              <label class="visually-hidden" for="header-q">
                Search papers
              </label>
              <input id="header-q" type="search" name="q" placeholder="Search papers" maxLength={1000} />
            </form>
            {/* Also holds the Submit link for signed-in readers. */}
            <AccountNav />
            <button class="theme-toggle" type="button" data-theme-toggle hidden aria-label="Toggle dark mode">
              <span aria-hidden="true">◐</span>
            </button>
          </div>
        </header>
        <main id="main" class="container" tabIndex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <p>
              paperboy · open, self-hosted research-paper discovery · metadata from{' '}
              <a href="https://arxiv.org">arXiv</a> (CC0) · <a href="/orgs">organizations</a> ·{' '}
              <a href="/subscribe">papers by email</a> · <a href="/api">API</a> ·{' '}
              <a href="/healthz">status</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
