import fs from 'node:fs';
import path from 'node:path';
import { UNRESTRICTED } from '../auth/scope';
import { openTestDb, TestDb } from '../../test/harness';
import { buildTerritory, T } from '../../test/factories';
import { RunningServer, startServer } from '../server';

let db: TestDb;
let server: RunningServer;
let base: string;
/** Bearer headers of a community-A worker, a community-B worker and an auditor (no record:write). */
let staffA: Record<string, string>;
let staffB: Record<string, string>;
let auditor: Record<string, string>;

beforeAll(async () => {
  db = await openTestDb();
  await buildTerritory(db.services);
  const auth = db.services.auth;
  await auth.createAccount({ name: 'grid-a', role: 'GRID_WORKER', areaCodes: [T.communityA] }, 'test');
  await auth.createAccount({ name: 'grid-b', role: 'GRID_WORKER', areaCodes: [T.communityB] }, 'test');
  await auth.createAccount({ name: 'auditor', role: 'AUDITOR', areaCodes: [T.district] }, 'test');
  const bearer = async (name: string) => ({ authorization: `Bearer ${(await auth.issueToken(name)).token}` });
  staffA = await bearer('grid-a');
  staffB = await bearer('grid-b');
  auditor = await bearer('auditor');
  server = await startServer(db.services, { port: 0, host: '127.0.0.1', log: () => undefined });
  base = `http://127.0.0.1:${server.port}`;
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
    const up = await fetch(`${base}/cases/photos`, { method: 'POST', body: form, headers: staffA });
    expect(up.status).toBe(201);
    const { photoIds } = (await up.json()) as { photoIds: string[] };
    expect(photoIds).toHaveLength(1);
    const stored = path.join(db.services.cases.photoStore.dir, photoIds[0]);
    expect(fs.readFileSync(stored)).toEqual(PNG);

    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...staffA },
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
    const back = await fetch(`${base}/cases/photos/${photoIds[0]}`, { headers: staffA });
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer())).toEqual(PNG);
  });

  it('needs credentials with record:write to upload, and stores nothing otherwise', async () => {
    const before = fs.existsSync(db.services.cases.photoStore.dir)
      ? fs.readdirSync(db.services.cases.photoStore.dir).length
      : 0;
    const upload = (headers: Record<string, string>) => {
      const form = new FormData();
      form.append('file', new Blob([PNG], { type: 'image/png' }), 'nest.png');
      return fetch(`${base}/cases/photos`, { method: 'POST', body: form, headers });
    };
    const anonymous = await upload({});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect((await upload({ authorization: 'Bearer not-a-token' })).status).toBe(401);
    const readOnly = await upload(auditor);
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ error: 'PERMISSION_DENIED' });
    const after = fs.existsSync(db.services.cases.photoStore.dir)
      ? fs.readdirSync(db.services.cases.photoStore.dir).length
      : 0;
    expect(after).toBe(before);
  });

  it('serves a photo only to readers who may see its case; others get 404 as for an unknown id', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'nest.png');
    const up = await fetch(`${base}/cases/photos`, { method: 'POST', body: form, headers: staffA });
    const [photoId] = ((await up.json()) as { photoIds: string[] }).photoIds;
    const get = (headers: Record<string, string>) => fetch(`${base}/cases/photos/${photoId}`, { headers });
    // uploaded but not yet part of a case: nobody reads it back
    expect((await get(staffA)).status).toBe(404);
    await db.services.cases.report(
      {
        categoryCode: 'L0201',
        description: '马蜂窝',
        location: T.inA1,
        channel: 'PHOTO',
        photoIds: [photoId],
      },
      { name: 'test', scope: UNRESTRICTED },
    );
    expect((await get({})).status).toBe(401);
    expect((await get(auditor)).status).toBe(403); // no record:read
    expect((await get(staffB)).status).toBe(404); // the case lies in community A
    const own = await get(staffA);
    expect(own.status).toBe(200);
    expect(Buffer.from(await own.arrayBuffer())).toEqual(PNG);
  });

  it('refuses a file that is not an image', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    const up = await fetch(`${base}/cases/photos`, { method: 'POST', body: form, headers: staffA });
    expect(up.status).toBe(400);
    expect(await up.json()).toMatchObject({ error: 'PHOTO_INVALID' });
  });
});
