// /admin/mail: where mail goes, the outbox, paused subscribers (with a resume button) and recent
// deliveries. Messages are shown safely: text as text, HTML only inside a sandboxed iframe (no
// scripts, no same-origin access) or as escaped source.
import type { DeliveryRow } from '../../db/repositories/delivery-repository.ts';
import type { EmlContent } from '../../mail/eml-reader.ts';
import type { OutboxEntry } from '../../services/mail-admin-service.ts';
import type { Subscription } from '../../services/subscription-service.ts';
import { describe } from '../../services/subscription-service.ts';
import { CsrfField } from './csrf-field.tsx';
import { AdminFrame } from './admin-frame.tsx';

export interface AdminMailProps {
  transport: string;
  outbox: OutboxEntry[];
  paused: Subscription[];
  deliveries: DeliveryRow[];
  notice: string | null;
}

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
}

export function AdminMailPage(props: AdminMailProps) {
  return (
    <AdminFrame title="Mail" current="mail">
      <div class="settings admin-mail">
        <h2>Mail</h2>
        <p class="muted">
          Mail goes through <strong>{props.transport}</strong>.
        </p>
        {props.notice ? (
          <p class="form-notice" role="status">
            {props.notice}
          </p>
        ) : null}

        <section class="settings-section" aria-labelledby="paused-heading">
          <h3 id="paused-heading">Paused subscribers</h3>
          {props.paused.length === 0 ? (
            <p class="muted">None: no address keeps failing.</p>
          ) : (
            <ul class="settings-list">
              {props.paused.map((s) => (
                <li>
                  <div>
                    <span class="settings-item-name">{s.email}</span>{' '}
                    <span class="muted">
                      {describe(s)} · last error: {s.lastError ?? 'unknown'}
                    </span>
                  </div>
                  <form class="inline-form" method="post" action={`/admin/mail/resume/${s.id}`}>
                    <CsrfField />
                    <button class="btn" type="submit" aria-label={`Resume ${s.email}`}>
                      Resume
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section class="settings-section" aria-labelledby="outbox-heading">
          <h3 id="outbox-heading">Outbox</h3>
          {props.outbox.length === 0 ? (
            <p class="muted">No messages in the outbox.</p>
          ) : (
            <table class="admin-table">
              <caption class="visually-hidden">Messages in the outbox, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                </tr>
              </thead>
              <tbody>
                {props.outbox.map((m) => (
                  <tr>
                    <td>{m.date}</td>
                    <td>{m.to}</td>
                    <td>
                      <a href={`/admin/mail/outbox/${encodeURIComponent(m.name)}`}>
                        {m.subject || '(no subject)'}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section class="settings-section" aria-labelledby="deliveries-heading">
          <h3 id="deliveries-heading">Recent deliveries</h3>
          {props.deliveries.length === 0 ? (
            <p class="muted">No digests sent yet.</p>
          ) : (
            <table class="admin-table">
              <caption class="visually-hidden">Digest deliveries, most recent first</caption>
              <thead>
                <tr>
                  <th scope="col">Updated</th>
                  <th scope="col">To</th>
                  <th scope="col">Digest</th>
                  <th scope="col">Status</th>
                  <th scope="col">Tries</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {props.deliveries.map((d) => (
                  <tr>
                    <td>{when(d.updatedAt)}</td>
                    <td>{d.recipient}</td>
                    <td>
                      {d.digestKey}
                      {d.subject ? <span class="muted"> · {d.subject}</span> : null}
                    </td>
                    <td>
                      <span class={`delivery-status delivery-${d.status}`}>{d.status}</span>
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.lastError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </AdminFrame>
  );
}

export function AdminMailMessagePage(props: { message: EmlContent & { name: string } }) {
  const m = props.message;
  const subject = m.headers.find((h) => h.name === 'subject')?.value ?? '(no subject)';
  return (
    <AdminFrame title={`${subject} · outbox`} current="mail">
      <div class="settings admin-mail">
        <p>
          <a href="/admin/mail">← Mail</a>
        </p>
        <h2>{subject}</h2>
        <dl class="mail-headers">
          {m.headers.map((h) => (
            <>
              <dt>{h.name}</dt>
              <dd>{h.value}</dd>
            </>
          ))}
        </dl>
        {m.html !== null ? (
          <section class="settings-section" aria-labelledby="html-heading">
            <h3 id="html-heading">HTML</h3>
            {/* sandbox with no allowances: no scripts, no forms, no same-origin access. */}
            <iframe class="mail-preview" title={`HTML of ${subject}`} sandbox="" srcdoc={m.html} />
            <details>
              <summary>HTML source</summary>
              <pre class="mail-source">{m.html}</pre>
            </details>
          </section>
        ) : null}
        {m.text !== null ? (
          <section class="settings-section" aria-labelledby="text-heading">
            <h3 id="text-heading">Plain text</h3>
            <pre class="mail-source">{m.text}</pre>
          </section>
        ) : null}
      </div>
    </AdminFrame>
  );
}
