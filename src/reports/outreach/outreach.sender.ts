import fs from 'node:fs';
import path from 'node:path';
import { maskPhone } from '../../normalize/phone';

/** A notice ready to go out. `phone` is the full number: only a sender sees it. */
export interface OutboundMessage {
  messageId: number;
  campaignId: string;
  personId: number;
  channel: 'SMS' | 'CALL';
  phone: string;
  body: string;
}

/** What a sender says about one message. */
export interface SendResult {
  messageId: number;
  status: 'SENT' | 'DELIVERED' | 'FAILED';
  /** The gateway's reference, used to match delivery receipts later. */
  providerRef: string | null;
  error?: string;
}

/**
 * Sends notices. The default records them; an SMS gateway or outbound-call platform is another
 * implementation of this interface (its delivery receipts come back through
 * OutreachService.recordDelivery).
 */
export interface OutreachSender {
  readonly name: string;
  send(messages: OutboundMessage[]): Promise<SendResult[]>;
}

/**
 * The default sender: appends each notice to a JSON-lines file (phone masked: the file is a
 * record, not a gateway) and reports it SENT; the outbox rows in the database are the other half
 * of the record. Nothing leaves the machine.
 */
export class FileRecordingSender implements OutreachSender {
  readonly name = 'file';

  constructor(private readonly file: string) {}

  async send(messages: OutboundMessage[]): Promise<SendResult[]> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const at = new Date().toISOString();
    const lines = messages.map((m) =>
      JSON.stringify({
        at,
        messageId: m.messageId,
        campaignId: m.campaignId,
        personId: m.personId,
        channel: m.channel,
        phone: maskPhone(m.phone),
        body: m.body,
      }),
    );
    await fs.promises.appendFile(this.file, lines.map((l) => l + '\n').join(''));
    return messages.map((m) => ({
      messageId: m.messageId,
      status: 'SENT',
      providerRef: `${this.name}:${m.messageId}`,
    }));
  }
}
