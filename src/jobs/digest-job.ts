// Background job: send the digests and topic alerts that are due, each exactly once.
//
// The protocol, per subscription and digest (deliveries has UNIQUE(subscription_id, digest_key)):
//   1. compose the message; its Message-ID is derived from the digest key and subscription id;
//   2. insert the delivery row as 'pending' (the claim) BEFORE handing the message to SMTP; a row
//      that exists already means another run (or one before a crash) has it, so it is left alone;
//   3. hand it to the transport; the server's acceptance (250 after DATA) is the commit point;
//   4. right after, mark the row 'sent' (or 'deferred' / 'failed').
// A run that is killed leaves at most the row it was working on 'pending'. The next run (it holds
// the run lease, so no other run is alive) resends pending rows with the same Message-ID. If the
// kill came before the server's acceptance (the common case: sending takes milliseconds to
// seconds, our bookkeeping microseconds), the resend is the one and only copy and nothing is lost.
// If it came in the instant between the server's 250 and step 4, the resend is a second copy with
// the same Message-ID, which mail stores and clients (Gmail among them) recognise as the same
// message. Never losing a digest was chosen over never resending one. The outbox transport names
// files after the Message-ID, so a resend there overwrites the same file: exactly once.
//
// Temporary failures (4xx, connection, timeout) are retried with backoff within the run, then the
// row is 'deferred' and retried by later runs with growing delays; permanent failures (5xx, bad
// address) mark the row 'failed' and count against the subscriber, who is paused after
// `pauseAfter` in a row (the admin page lists paused subscribers and resumes them).
import os from 'node:os';
import type { DeliveryRepository, DeliveryRow } from '../db/repositories/delivery-repository.ts';
import type { IngestStateRepository } from '../db/repositories/ingest-state-repository.ts';
import type { SubscriptionRepository, SubscriptionRow } from '../db/repositories/subscription-repository.ts';
import type { DuePeriod, SubscriptionKind } from '../domain/digest-schedule.ts';
import { alertPeriodOfKey, alertSince, latestDuePeriod, periodOfDay } from '../domain/digest-schedule.ts';
import { parseIsoWeek } from '../domain/periods.ts';
import { MailDeliveryError } from '../mail/mail-transport.ts';
import type { MailTransport } from '../mail/mail-transport.ts';
import type { ComposedDigest, DigestComposer } from '../services/digest-composer.ts';
import type { JobReport, RetryPolicy } from './job.ts';
import { backoffDelay, retry } from './job.ts';

export interface DigestReport extends JobReport {
  sent: number;
  /** Digests with nothing in them (a day without papers, no new match): nothing sent. */
  empty: number;
  /** Pending rows of an interrupted run that were sent again. */
  resent: number;
  /** Temporary failures left for a later run. */
  deferred: number;
  failed: number;
  /** Subscribers paused in this run after repeated permanent failures. */
  paused: number;
  /** What a dry run would send (and, after a real run, what was sent). */
  planned: PlannedMail[];
  /** Set when the run was skipped because another run holds the digest lease: who holds it. */
  heldBy?: string;
}

export interface PlannedMail {
  to: string;
  subject: string;
  papers: number;
  digestKey: string;
  resend: boolean;
}

export interface DigestRunOptions {
  /** Digest day instead of "the latest due period" (YYYY-MM-DD; weekly: its ISO week). */
  day?: string;
  /** Only this address's subscriptions. */
  to?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface DigestJobOptions {
  /** Permanent failures in a row after which a subscriber is paused. */
  pauseAfter: number;
  /** Tries per message within a run. */
  retry: RetryPolicy;
  /** Runs a temporarily failing message is retried in before it is given up ('failed'). */
  maxDeferrals?: number;
  /** Delay before a deferred message is tried again, doubled per deferral. */
  deferralBaseMs?: number;
  now?: () => Date;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

const LEASE = 'digest-run';
/** A lease not renewed for this long belongs to a run that died on another host. */
const LEASE_STALE_MS = 5 * 60_000;

interface Lease {
  host: string;
  pid: number;
  heartbeatAt: string;
}

export class DigestJob {
  private readonly now: () => Date;

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly leases: IngestStateRepository,
    private readonly composer: DigestComposer,
    private readonly transport: MailTransport,
    private readonly options: DigestJobOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async run(opts: DigestRunOptions = {}): Promise<DigestReport> {
    const report: DigestReport = {
      status: 'success',
      sent: 0,
      empty: 0,
      resent: 0,
      deferred: 0,
      failed: 0,
      paused: 0,
      planned: [],
    };
    // Most runs of a small site have nobody to mail: stop before writing the lease (a write
    // would also invalidate the page cache).
    const idle =
      !(await this.subscriptions.anyDeliverable()) &&
      (await this.deliveries.unsettled(this.now().toISOString())).length === 0;
    if (idle) return report;
    if (!opts.dryRun) {
      const holder = await this.acquireLease();
      if (holder)
        return {
          ...report,
          status: 'skipped',
          reason: `another digest run is in progress (${holder})`,
          heldBy: holder,
        };
    }
    this.composer.reset();
    try {
      await this.reconcile(report, opts);
      await this.sendDue(report, opts);
    } catch (err) {
      if (opts.signal?.aborted) return { ...report, status: 'skipped', reason: 'stopped' };
      throw err;
    } finally {
      if (!opts.dryRun) await this.leases.clear(LEASE);
    }
    const setAside = report.deferred + report.failed;
    if (setAside > 0) report.reason = `${report.deferred} deferred, ${report.failed} failed`;
    return report;
  }

  /** Pending rows of an interrupted run and deferred rows whose time has come. */
  private async reconcile(report: DigestReport, opts: DigestRunOptions): Promise<void> {
    for (const row of await this.deliveries.unsettled(this.now().toISOString())) {
      opts.signal?.throwIfAborted();
      const sub = await this.subscriptions.findById(row.subscriptionId);
      if (opts.to !== undefined && sub?.email !== opts.to) continue;
      if (!sub || sub.unsubscribedAt !== null || sub.pausedAt !== null) {
        if (!opts.dryRun)
          await this.deliveries.markFailed(
            row.id,
            row.attempts,
            'subscription ended or paused before delivery',
            this.iso(),
          );
        continue;
      }
      const period = periodOfKey(sub, row.digestKey);
      const composed = period ? await this.composer.compose(digestSubscriber(sub), period) : null;
      if (!composed) {
        if (!opts.dryRun)
          await this.deliveries.markFailed(
            row.id,
            row.attempts,
            'the digest has nothing in it any more',
            this.iso(),
          );
        continue;
      }
      report.planned.push(plan(composed, row.digestKey, true));
      if (opts.dryRun) continue;
      if (row.status === 'pending') report.resent++;
      await this.deliver(row, sub, composed, report);
    }
  }

  private async sendDue(report: DigestReport, opts: DigestRunOptions): Promise<void> {
    const subs = await this.subscriptions.deliverable(opts.to);
    const now = this.now().getTime();
    const due: { sub: SubscriptionRow; period: DuePeriod }[] = [];
    for (const sub of subs) {
      const kind = sub.kind as SubscriptionKind;
      const period = opts.day
        ? periodOfDay(kind, opts.day, sub.deliverHour, sub.timeZone)
        : latestDuePeriod(kind, now, sub.deliverHour, sub.timeZone);
      // Someone who subscribed after a digest was due starts with the next one.
      if (!opts.day && sub.confirmedAt !== null && period.dueAt < sub.confirmedAt) continue;
      due.push({ sub, period });
    }
    // Topic alerts cover the days since their previous alert (after missed runs, several).
    const topics = due.filter((d) => d.sub.kind === 'topic');
    const lastEnds = await this.deliveries.lastAlertEnds(topics.map((d) => d.sub.id));
    for (const d of topics) d.period = alertSince(d.period, lastEnds.get(d.sub.id) ?? null) ?? d.period;
    const existing = await this.deliveries.existing(
      due.map((d) => d.sub.id),
      due.map((d) => d.period.key),
    );
    let sinceHeartbeat = 0;
    for (const { sub, period } of due) {
      opts.signal?.throwIfAborted();
      if (existing.has(`${sub.id} ${period.key}`)) continue;
      const lastEnd = lastEnds.get(sub.id);
      if (sub.kind === 'topic' && lastEnd !== undefined && lastEnd >= period.end) continue;
      const composed = await this.composer.compose(digestSubscriber(sub), period);
      if (!composed) {
        report.empty++;
        if (!opts.dryRun)
          await this.deliveries.recordEmpty(
            sub.id,
            period.key,
            this.composer.messageId(sub.id, period.key),
            sub.email,
            this.iso(),
          );
        continue;
      }
      report.planned.push(plan(composed, period.key, false));
      if (opts.dryRun) continue;
      const claimed = await this.deliveries.claim(
        {
          subscriptionId: sub.id,
          digestKey: period.key,
          messageId: composed.message.messageId,
          recipient: sub.email,
          subject: composed.message.subject,
          paperCount: composed.paperCount,
        },
        this.iso(),
      );
      if (!claimed) continue; // someone else's, since we looked
      const row = await this.deliveries.find(sub.id, period.key);
      await this.deliver(row!, sub, composed, report);
      if (++sinceHeartbeat >= 25) {
        sinceHeartbeat = 0;
        await this.heartbeat();
      }
    }
  }

  private async deliver(
    row: DeliveryRow,
    sub: SubscriptionRow,
    composed: ComposedDigest,
    report: DigestReport,
  ) {
    let attempts = row.attempts;
    try {
      await retry(
        async () => {
          attempts++;
          await this.transport.send(composed.message);
        },
        this.options.retry,
        {
          isRetryable: (err) => !(err instanceof MailDeliveryError && err.permanent),
          onRetry: (err, attempt, delayMs) =>
            this.options.log?.warn(
              { to: sub.email, attempt, delayMs, err: message(err) },
              'mail deferred; retrying',
            ),
        },
      );
    } catch (err) {
      const text = message(err);
      if (err instanceof MailDeliveryError && err.permanent) {
        report.failed++;
        await this.deliveries.markFailed(row.id, attempts, text, this.iso());
        const paused = await this.subscriptions.recordPermanentFailure(
          sub.id,
          text,
          this.options.pauseAfter,
          this.iso(),
        );
        if (paused) {
          report.paused++;
          this.options.log?.warn(
            { to: sub.email, err: text },
            'subscriber paused after repeated permanent failures',
          );
        }
        return;
      }
      const deferrals = (row.status === 'deferred' ? deferralsOf(row) : 0) + 1;
      if (deferrals > (this.options.maxDeferrals ?? 6)) {
        report.failed++;
        await this.deliveries.markFailed(
          row.id,
          attempts,
          `gave up after ${attempts} tries: ${text}`,
          this.iso(),
        );
        return;
      }
      report.deferred++;
      const delay = backoffDelay(
        { attempts: 0, baseDelayMs: this.options.deferralBaseMs ?? 10 * 60_000, maxDelayMs: 24 * 3600_000 },
        deferrals + 1,
      );
      const next = new Date(this.now().getTime() + delay).toISOString();
      await this.deliveries.markDeferred(
        row.id,
        attempts,
        `[deferral ${deferrals}] ${text}`,
        next,
        this.iso(),
      );
      return;
    }
    // The server has accepted the message: record it at once (see the protocol above).
    await this.deliveries.markSent(row.id, attempts, this.iso());
    await this.subscriptions.recordSuccess(sub.id);
    report.sent++;
  }

  /** Null when the lease is ours now; otherwise who holds it. */
  private async acquireLease(): Promise<string | null> {
    const held = await this.leases.get<Lease>(LEASE);
    if (held && isAlive(held, this.now().getTime())) return `pid ${held.pid} on ${held.host}`;
    await this.heartbeat();
    return null;
  }

  private heartbeat(): Promise<void> {
    const lease: Lease = { host: os.hostname(), pid: process.pid, heartbeatAt: this.iso() };
    return this.leases.set(LEASE, lease, this.iso());
  }

  private iso(): string {
    return this.now().toISOString();
  }
}

/** A lease's run is alive when its process exists (same host) or it renewed the lease lately. */
function isAlive(lease: Lease, now: number): boolean {
  if (lease.host === os.hostname()) {
    if (lease.pid === process.pid) return false; // ours, from a run that ended abnormally
    try {
      process.kill(lease.pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return now - Date.parse(lease.heartbeatAt) < LEASE_STALE_MS;
}

function deferralsOf(row: DeliveryRow): number {
  const m = /^\[deferral (\d+)\]/.exec(row.lastError ?? '');
  return m ? Number(m[1]) : 0;
}

/** The period a stored digest key names, for composing it again. */
export function periodOfKey(sub: SubscriptionRow, key: string): DuePeriod | null {
  const [prefix, value] = key.split(':', 2) as [string, string | undefined];
  if (!value) return null;
  const kind = sub.kind as SubscriptionKind;
  if (prefix === 'alert') return alertPeriodOfKey(key, sub.deliverHour, sub.timeZone);
  if (prefix === 'weekly') {
    const range = parseIsoWeek(value);
    return range ? periodOfDay('weekly', range.start, sub.deliverHour, sub.timeZone) : null;
  }
  return periodOfDay(kind, value, sub.deliverHour, sub.timeZone);
}

function digestSubscriber(sub: SubscriptionRow) {
  return { id: sub.id, email: sub.email, kind: sub.kind as SubscriptionKind, query: sub.query };
}

function plan(composed: ComposedDigest, digestKey: string, resend: boolean): PlannedMail {
  return {
    to: composed.message.to,
    subject: composed.message.subject,
    papers: composed.paperCount,
    digestKey,
    resend,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
