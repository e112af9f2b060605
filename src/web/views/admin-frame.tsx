// The frame of the moderation pages: the layout, a heading, and the section navigation (the audit
// log and users are for admins only, so moderators do not see those links).
import type { ComponentChildren } from 'preact';
import { useViewer } from '../viewer-context.ts';
import { Layout } from './layout.tsx';

type Section = 'reports' | 'users' | 'audit' | 'mail' | 'jobs';

const SECTIONS: { key: Section; href: string; label: string; adminOnly: boolean }[] = [
  { key: 'reports', href: '/admin', label: 'Reports', adminOnly: false },
  { key: 'users', href: '/admin/users', label: 'Users', adminOnly: true },
  { key: 'audit', href: '/admin/audit', label: 'Audit log', adminOnly: true },
  { key: 'mail', href: '/admin/mail', label: 'Mail', adminOnly: true },
  { key: 'jobs', href: '/admin/jobs', label: 'Jobs', adminOnly: true },
];

export function AdminFrame(props: { title: string; current: Section; children: ComponentChildren }) {
  const { viewer } = useViewer();
  const admin = viewer?.role === 'admin';
  return (
    <Layout title={`${props.title} · Moderation`} math>
      <div class="admin-page">
        <header class="admin-header">
          <h1>Moderation</h1>
          <nav class="admin-nav" aria-label="Moderation">
            <ul>
              {SECTIONS.filter((s) => admin || !s.adminOnly).map((s) => (
                <li>
                  <a href={s.href} aria-current={s.key === props.current ? 'page' : undefined}>
                    {s.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        {props.children}
      </div>
    </Layout>
  );
}

export function ReasonField({ id }: { id: string }) {
  return (
    <>
      <label for={id}>Reason (optional, kept in the audit log)</label>
      <input id={id} class="text-input" name="reason" maxLength={500} />
    </>
  );
}
