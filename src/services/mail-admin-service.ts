// What the administrator's mail page shows: the transport, outbox messages, recent deliveries.
import fs from 'node:fs';
import path from 'node:path';
import type { DeliveryRepository, DeliveryRow } from '../db/repositories/delivery-repository.ts';
import type { EmlContent } from '../mail/eml-reader.ts';
import { decodeHeader, readEml } from '../mail/eml-reader.ts';
import type { OutboxMessage, OutboxTransport } from '../mail/outbox-transport.ts';
import { NotFoundError } from './errors.ts';

export interface OutboxEntry extends OutboxMessage {
  /** The file's name: what links to one message use. */
  name: string;
}

export class MailAdminService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: OutboxTransport,
    /** "outbox …" or "smtp host:port". */
    readonly transportDescription: string,
  ) {}

  recentDeliveries(limit = 50): Promise<DeliveryRow[]> {
    return this.deliveries.recent(limit);
  }

  async outboxMessages(limit = 50): Promise<OutboxEntry[]> {
    const list = await this.outbox.list(limit);
    return list.map((m) => ({
      ...m,
      subject: decodeHeader(m.subject),
      to: decodeHeader(m.to),
      name: path.basename(m.file),
    }));
  }

  /** One outbox message by file name; names that are not plain .eml files of the outbox are refused. */
  async outboxMessage(name: string): Promise<EmlContent & { name: string }> {
    if (!/^[A-Za-z0-9@._-]{1,200}\.eml$/.test(name) || name.startsWith('.')) {
      throw new NotFoundError('No such message in the outbox.');
    }
    try {
      const raw = await fs.promises.readFile(path.join(this.outbox.folder, name), 'utf8');
      return { ...readEml(raw), name };
    } catch {
      throw new NotFoundError('No such message in the outbox.');
    }
  }
}
