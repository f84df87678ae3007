import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPerson, buildTerritory, T } from '../../../test/factories';
import { openTestDb, TestDb } from '../../../test/harness';
import { CohortService } from '../cohorts/cohort.service';
import { FileRecordingSender, OutboundMessage, OutreachSender, SendResult } from './outreach.sender';
import { OutreachService } from './outreach.service';

let db: TestDb;
let outreach: OutreachService;
let file: string;
const people: { id: number; name: string }[] = [];

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  // three residents over 60 without pension insurance; one has no phone
  people.push(
    await buildPerson(db.services, { name: '钱大爷', birthDate: '1950-01-01', phone: '13800001111' }),
  );
  people.push(
    await buildPerson(db.services, {
      name: '孙奶奶',
      birthDate: '1952-02-02',
      gender: 'FEMALE',
      phone: '13900002222',
      areaCode: T.gridB1,
    }),
  );
  people.push(await buildPerson(db.services, { name: '李大爷', birthDate: '1955-03-03' }));
  await buildPerson(db.services, { name: '年轻人', birthDate: '1990-01-01', phone: '13700003333' });
  file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 'outbox.jsonl');
  outreach = new OutreachService(
    db.services.pool,
    db.services.areas,
    new CohortService(db.services.pool, db.services.areas),
    new FileRecordingSender(file),
  );
});
afterAll(() => db.close());

describe('outreach through an outbox', () => {
  it('queues one message per cohort member and campaign, sends them, and records delivery', async () => {
    await outreach.createCampaign(
      {
        id: 'pension-2026q3',
        cohortId: 'elderly-without-pension',
        channel: 'SMS',
        template: '{name}您好：请到社区办理养老保险参保。',
      },
      'staff',
    );
    expect(await outreach.createBatch('pension-2026q3', new Date(Date.now() + 1000), T.street)).toEqual({
      members: 3,
      queued: 3,
      alreadyQueued: 0,
      optedOut: 0,
    });
    // the same batch again: deduplicated per person and campaign
    expect(await outreach.createBatch('pension-2026q3', new Date(Date.now() + 1000), T.street)).toMatchObject(
      {
        queued: 0,
        alreadyQueued: 3,
      },
    );
    const results = await outreach.dispatch('pension-2026q3');
    expect(results.map((r) => r.status).sort()).toEqual(['FAILED', 'SENT', 'SENT']);
    expect(await outreach.statusCounts('pension-2026q3')).toEqual({ SENT: 2, FAILED: 1 });
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.body).sort()).toEqual([
      '孙奶奶您好：请到社区办理养老保险参保。',
      '钱大爷您好：请到社区办理养老保险参保。',
    ]);
    expect(lines.map((l) => l.phone).sort()).toEqual(['138****1111', '139****2222']);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('13800001111');
    // nothing left to send
    expect(await outreach.dispatch('pension-2026q3')).toEqual([]);
    // a delivery receipt
    const sent = (await outreach.messages('pension-2026q3')).find((m) => m.status === 'SENT')!;
    expect(await outreach.recordDelivery(sent.providerRef!, 'DELIVERED')).toBe(true);
    expect(await outreach.statusCounts('pension-2026q3')).toEqual({ SENT: 1, DELIVERED: 1, FAILED: 1 });
    const noPhone = (await outreach.messages('pension-2026q3')).find((m) => m.status === 'FAILED')!;
    expect(noPhone).toMatchObject({ personId: people[2].id, error: 'no phone number on record' });
  });

  it('honours opt-out, before a batch and for messages already queued', async () => {
    await outreach.optOut(T.district, people[0].id, 'SMS', '本人要求');
    await outreach.createCampaign(
      { id: 'pension-2026q4', cohortId: 'elderly-without-pension', channel: 'SMS', template: '' },
      'staff',
    );
    expect(await outreach.createBatch('pension-2026q4', new Date(Date.now() + 1000), T.street)).toMatchObject(
      {
        members: 3,
        queued: 2,
        optedOut: 1,
      },
    );
    // the cohort's default notice is used when the template is empty
    expect((await outreach.messages('pension-2026q4'))[0].body).toMatch(/养老保险/);
    await outreach.optOut(T.district, people[1].id, 'SMS', null);
    expect(await outreach.statusCounts('pension-2026q4')).toEqual({ PENDING: 1, FAILED: 1 });
  });

  it('sends through a pluggable sender and keeps its verdicts', async () => {
    const seen: OutboundMessage[] = [];
    const gateway: OutreachSender = {
      name: 'gateway',
      async send(messages: OutboundMessage[]): Promise<SendResult[]> {
        seen.push(...messages);
        return messages.map((m) => ({
          messageId: m.messageId,
          status: 'FAILED',
          providerRef: `gw-${m.messageId}`,
          error: '号码停机',
        }));
      },
    };
    outreach.useSender(gateway);
    await outreach.createCampaign(
      { id: 'call-2026q4', cohortId: 'elderly-without-pension', channel: 'CALL', template: '{name}' },
      'staff',
    );
    await outreach.createBatch('call-2026q4', new Date(Date.now() + 1000), T.communityB);
    await outreach.dispatch('call-2026q4');
    expect(seen.map((m) => [m.channel, m.phone, m.body])).toEqual([['CALL', '13900002222', '孙奶奶']]);
    expect(await outreach.messages('call-2026q4')).toEqual([
      expect.objectContaining({
        status: 'FAILED',
        providerRef: expect.stringMatching(/^gw-/),
        error: '号码停机',
        attempts: 1,
      }),
    ]);
  });
});
