import type pg from 'pg';
import { AppError } from '../../errors/app-error';
import type { AreaService } from '../../geo/area.service';
import { chinaDay, CohortService } from '../cohorts/cohort.service';
import { OutreachSender, SendResult } from './outreach.sender';
import { outreachSql } from './outreach.queries';

/** A notification campaign for a cohort. */
export interface Campaign {
  id: string;
  cohortId: string;
  channel: 'SMS' | 'CALL';
  template: string;
}

/** What creating a batch did. */
export interface BatchResult {
  members: number;
  queued: number;
  /** Members already in the campaign (deduplicated per person and campaign). */
  alreadyQueued: number;
  optedOut: number;
}

/**
 * Outreach through an outbox: a batch turns a cohort's members into PENDING messages (one per
 * person and campaign, opted-out persons skipped), a dispatcher hands them to the configured
 * sender and records SENT/FAILED, and delivery receipts move them to DELIVERED or FAILED.
 */
export class OutreachService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly areas: AreaService,
    private readonly cohorts: CohortService,
    private sender: OutreachSender,
  ) {}

  /** Replaces the sender (an SMS gateway adapter instead of the recording default). */
  useSender(sender: OutreachSender): void {
    this.sender = sender;
  }

  /** Creates a campaign (idempotent by id); the template may use {name}. */
  async createCampaign(c: Campaign, actor: string | null): Promise<Campaign> {
    const cohort = this.cohorts.get(c.cohortId, 'cohort');
    if (!/^[a-z0-9][a-z0-9-]{2,63}$/.test(c.id))
      throw new AppError(
        'VALUE_INVALID',
        'campaign id must be 3-64 lowercase letters, digits or dashes',
        'id',
      );
    if (c.channel !== 'SMS' && c.channel !== 'CALL')
      throw new AppError('VALUE_INVALID', 'channel must be SMS or CALL', 'channel');
    const template = c.template.trim() || cohort.defaultTemplate;
    await this.pool.query(outreachSql.insertCampaign, [c.id, cohort.id, c.channel, template, actor]);
    return this.campaign(c.id);
  }

  /** A campaign; an unknown id is the caller's error. */
  async campaign(id: string): Promise<Campaign> {
    const { rows } = await this.pool.query(outreachSql.campaign, [id]);
    if (!rows[0]) throw new AppError('VALUE_INVALID', `no campaign has id ${id.slice(0, 64)}`, 'campaign');
    return {
      id: rows[0].id,
      cohortId: rows[0].cohort_id,
      channel: rows[0].channel,
      template: rows[0].template,
    };
  }

  /** Queues a message for every member of the campaign's cohort at `at` within an area. */
  async createBatch(campaignId: string, at: Date, areaCode: string): Promise<BatchResult> {
    const campaign = await this.campaign(campaignId);
    const cohort = this.cohorts.get(campaign.cohortId);
    const leaves = (await this.areas.list(null, (await this.areas.get(areaCode, 'areaCode')).code)).map(
      (a) => a.code,
    );
    const { rows } = await this.pool.query<{ members: number; queued: number; opted_out: number }>(
      outreachSql.enqueue(cohort.sql),
      [at, chinaDay(at), campaign.id, leaves],
    );
    const r = rows[0];
    return {
      members: r.members,
      queued: r.queued,
      optedOut: r.opted_out,
      alreadyQueued: r.members - r.opted_out - r.queued,
    };
  }

  /** Sends up to `limit` pending messages of a campaign through the sender; returns the results. */
  async dispatch(campaignId: string, limit = 500): Promise<SendResult[]> {
    const { rows } = await this.pool.query(outreachSql.claim, [campaignId, limit]);
    if (rows.length === 0) return [];
    const noPhone = rows.filter((r) => !r.phone);
    const sendable = rows.filter((r) => r.phone);
    let results: SendResult[] = noPhone.map((r) => ({
      messageId: Number(r.id),
      status: 'FAILED' as const,
      providerRef: null,
      error: 'no phone number on record',
    }));
    try {
      results = results.concat(
        await this.sender.send(
          sendable.map((r) => ({
            messageId: Number(r.id),
            campaignId: r.campaign_id,
            personId: Number(r.person_id),
            channel: r.channel,
            phone: r.phone,
            body: r.body,
          })),
        ),
      );
    } catch (e) {
      // the gateway failed as a whole: the messages stay PENDING for the next dispatch
      await this.apply(results);
      throw e;
    }
    await this.apply(results);
    return results;
  }

  private async apply(results: SendResult[]): Promise<void> {
    if (results.length === 0) return;
    await this.pool.query(outreachSql.applyResults, [
      results.map((r) => r.messageId),
      results.map((r) => r.status),
      results.map((r) => r.providerRef),
      results.map((r) => r.error ?? null),
    ]);
  }

  /** Records a delivery receipt from the gateway; returns whether a message matched. */
  async recordDelivery(
    providerRef: string,
    status: 'DELIVERED' | 'FAILED',
    error?: string,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(outreachSql.delivery, [providerRef, status, error ?? null]);
    return (rowCount ?? 0) > 0;
  }

  /** A person opts out of a channel: future batches skip them and their pending messages are dropped. */
  async optOut(
    districtCode: string,
    personId: number,
    channel: 'SMS' | 'CALL',
    reason: string | null,
  ): Promise<void> {
    await this.pool.query(outreachSql.optOut, [districtCode, personId, channel, reason]);
    await this.pool.query(outreachSql.cancelPending, [districtCode, personId, channel]);
  }

  /** Messages of a campaign by status. */
  async statusCounts(campaignId: string): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ status: string; n: number }>(outreachSql.statusCounts, [
      campaignId,
    ]);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Every message of a campaign (for review), oldest first. */
  async messages(campaignId: string) {
    const { rows } = await this.pool.query(outreachSql.messages, [campaignId]);
    return rows.map((r) => ({
      id: Number(r.id),
      personId: Number(r.person_id),
      status: r.status as string,
      attempts: r.attempts as number,
      providerRef: r.provider_ref as string | null,
      error: r.error as string | null,
      body: r.body as string,
    }));
  }
}
