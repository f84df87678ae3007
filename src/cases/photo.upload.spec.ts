import fs from 'node:fs';
import path from 'node:path';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { RunningServer, startServer } from '../server';

let db: TestDb;
let server: RunningServer;
let base: string;
let token: string;

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: () => undefined });
  base = `http://127.0.0.1:${server.port}`;
  // /graphql answers only signed-in callers
  await db.services.auth.createAccount(
    { name: 'grid-a', role: 'GRID_WORKER', areaCodes: [T.communityA] },
    'test',
  );
  token = (await db.services.auth.issueToken('grid-a')).token;
});
afterAll(async () => {
  await server.close();
  await db.close();
});

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('case photos (随手拍)', () => {
  it('stores a multipart upload on disk and a report refers to it by id', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'nest.png');
    const up = await fetch(`${base}/cases/photos`, { method: 'POST', body: form });
    expect(up.status).toBe(201);
    const { photoIds } = (await up.json()) as { photoIds: string[] };
    expect(photoIds).toHaveLength(1);
    const stored = path.join(db.services.cases.photoStore.dir, photoIds[0]);
    expect(fs.readFileSync(stored)).toEqual(PNG);

    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation($input: ReportCaseInput!) { reportCase(input: $input) { photoIds channel } }`,
        variables: {
          input: {
            categoryCode: 'L0201',
            description: '马蜂窝',
            location: T.inA2,
            channel: 'PHOTO',
            photoIds,
          },
        },
      }),
    });
    const body = (await res.json()) as { data: { reportCase: { photoIds: string[]; channel: string } } };
    expect(body.data.reportCase).toEqual({ photoIds, channel: 'PHOTO' });
    const back = await fetch(`${base}/cases/photos/${photoIds[0]}`);
    expect(Buffer.from(await back.arrayBuffer())).toEqual(PNG);
  });

  it('refuses a file that is not an image', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    const up = await fetch(`${base}/cases/photos`, { method: 'POST', body: form });
    expect(up.status).toBe(400);
    expect(await up.json()).toMatchObject({ error: 'PHOTO_INVALID' });
  });
});
