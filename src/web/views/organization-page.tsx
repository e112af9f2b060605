// An organization's page (its papers, newest or most upvoted first) and the index of organizations.
import type { OrganizationIndex, OrganizationPage } from '../../services/organization-service.ts';
import { feedAlternates, organizationFeedPath } from '../feeds/formats.ts';
import { SyndicationLinks } from '../feeds/syndication-links.tsx';
import { plural } from '../format.ts';
import { organizationPath } from '../paths.ts';
import { Layout } from './layout.tsx';
import { pageHref, PaperCards, QueryPager } from './paged-list.tsx';

const SORT_TABS = [
  { sort: 'new', label: 'Newest' },
  { sort: 'upvotes', label: 'Most upvoted' },
] as const;

export function OrganizationView({ org, canonical }: { org: OrganizationPage; canonical: string }) {
  const { organization, sort } = org;
  const path = organizationPath(organization.name);
  const sortParam = sort === 'new' ? null : sort;
  const feedTitle = `Papers from ${organization.fullname}`;
  return (
    <Layout
      title={organization.fullname}
      description={`Papers from ${organization.fullname} on paperboy.`}
      canonical={canonical}
      math
      alternates={feedAlternates(feedTitle, organizationFeedPath(organization.name))}
    >
      <section class="feed organization" aria-labelledby="org-heading">
        <div class="feed-header">
          <div class="org-identity">
            <Avatar url={organization.avatarUrl} />
            <div>
              <p class="eyebrow">
                <a href="/orgs">Organizations</a>
              </p>
              <h1 id="org-heading">{organization.fullname}</h1>
              <p class="feed-sub">
                <span class="org-name">{organization.name}</span> · {plural(org.paperCount, 'paper')}
              </p>
            </div>
          </div>
          <nav class="tabs" aria-label="Order">
            {SORT_TABS.map((t) => (
              <a
                class="tab"
                href={pageHref(path, { sort: t.sort === 'new' ? null : t.sort }, 0)}
                aria-current={t.sort === sort ? 'page' : undefined}
              >
                {t.label}
              </a>
            ))}
          </nav>
        </div>
        <PaperCards papers={org.papers} empty={`${organization.fullname} has no papers here yet.`} />
        <QueryPager
          path={path}
          params={{ sort: sortParam }}
          page={org.page}
          hasMore={org.papers.hasMore}
          moreLabel="More papers"
        />
        <SyndicationLinks feed={organizationFeedPath(organization.name)} />
      </section>
    </Layout>
  );
}

export function OrganizationsIndexView({
  index,
  canonical,
}: {
  index: OrganizationIndex;
  canonical: string;
}) {
  const items = index.organizations.items;
  return (
    <Layout
      title="Organizations"
      description="Organizations on paperboy, by paper count."
      canonical={canonical}
    >
      <section class="feed organizations" aria-labelledby="orgs-heading">
        <div class="feed-header">
          <div>
            <p class="eyebrow">Organizations</p>
            <h1 id="orgs-heading">Organizations</h1>
            <p class="feed-sub">The labs and companies papers come from, most papers first.</p>
          </div>
        </div>
        {items.length === 0 ? (
          <p class="empty-state">No paper names an organization yet.</p>
        ) : (
          <ol class="org-list">
            {items.map((o) => (
              <li class="org-row">
                <Avatar url={o.avatarUrl} />
                <a class="org-row-name" href={organizationPath(o.name)}>
                  {o.fullname}
                </a>
                <span class="org-name">{o.name}</span>
                <span class="org-count">{plural(o.paperCount, 'paper')}</span>
              </li>
            ))}
          </ol>
        )}
        <QueryPager
          path="/orgs"
          params={{}}
          page={index.page}
          hasMore={index.organizations.hasMore}
          moreLabel="More organizations"
        />
      </section>
    </Layout>
  );
}

/**
 * The organization's logo when it is an https image (the CSP allows those; anything else, such as
 * http: or javascript:, is dropped). Decorative: the name is always next to it.
 */
function Avatar({ url }: { url: string | null }) {
  const src = httpsUrl(url);
  if (!src) return null;
  return (
    <img
      class="org-avatar"
      src={src}
      alt=""
      width={48}
      height={48}
      loading="lazy"
      referrerpolicy="no-referrer"
    />
  );
}

function httpsUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
