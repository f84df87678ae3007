import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { ARTIFACTS, ROOT, startE2eServer, type E2eServer } from './server';

const STREET = '610902002'; // 新城街道 of the fixture district
const COMMUNITY = '610902002008'; // 香溪社区

let server: E2eServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function api<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${server.base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${server.token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

const shot = (name: string, p: Page = page) => p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

beforeAll(async () => {
  server = await startE2eServer({ persons: 400 });
  browser = await launchBrowser();
  context = browser.context;
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 180000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

afterEach(() => {
  // An uncaught error in the page is a failure even when the screen looks right.
  expect(pageErrors).toEqual([]);
});

describe('the web console in headless Chromium against the real server', () => {
  it('asks to sign in, refuses a wrong password, signs in with the real login and then sends the token everywhere', async () => {
    const authorizations: (string | undefined)[] = [];
    const onRequest = (req: import('playwright-core').Request) => {
      if (req.url().endsWith('/graphql')) authorizations.push(req.headers()['authorization']);
    };
    page.on('request', onRequest);
    await page.goto(`${server.base}/`);
    await page.getByRole('heading', { name: '一表 · 登录' }).waitFor();
    await page.getByLabel('用户名').fill(server.user.name);
    await page.getByLabel('密码').fill('not the password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('用户名或密码不正确').waitFor();
    await shot('00-login');

    await page.getByLabel('密码').fill(server.user.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('current-area').filter({ hasText: '汉滨区' }).waitFor();
    page.off('request', onRequest);
    // Before sign-in the console sent only the login; afterwards every request carries the bearer token.
    expect(authorizations.slice(0, 2)).toEqual([undefined, undefined]); // the two login attempts
    const signedIn = authorizations.slice(2);
    expect(signedIn.length).toBeGreaterThan(0);
    expect(signedIn.every((a) => a?.startsWith('Bearer ey'))).toBe(true);
  });

  it('shows the case KPIs of the current year from caseKpis: completion, on-time and satisfaction rates', async () => {
    // One case taken through the whole workflow and rated, so that every rate has a value.
    const reported = await api<{ reportCase: { id: string } }>(
      `mutation { reportCase(input: { categoryCode: "E0101", channel: GRID_WORKER, description: "香溪路垃圾堆放（考核测试）", location: { type: "Point", coordinates: [109.0256, 32.6882] } }) { id } }`,
    );
    const caseId = reported.reportCase.id;
    const steps: [string, string?][] = [
      ['FILE'],
      ['DISPATCH'],
      ['CLAIM'],
      ['START'],
      ['RESOLVE', '已清运'],
      ['CHECK'],
      ['CLOSE'],
    ];
    for (const [action, note] of steps) {
      await api(`mutation ($i: TransitionCaseInput!) { transitionCase(input: $i) { id } }`, {
        i: { caseId, action, note },
      });
    }
    await api(`mutation ($i: RateCaseInput!) { rateCase(input: $i) { id } }`, {
      i: { caseId, score: 5, comment: '处理及时' },
    });
    const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
    const truth = await api<{
      caseKpis: {
        received: number;
        due: number;
        closed: number;
        completionRate: number | null;
        onTimeRate: number | null;
        satisfactionRate: number | null;
      };
    }>(
      `query ($from: DateTime!, $to: DateTime!) { caseKpis(areaCode: "610902", from: $from, to: $to) {
        received due closed completionRate onTimeRate satisfactionRate } }`,
      { from: `${year}-01-01T00:00:00+08:00`, to: `${year + 1}-01-01T00:00:00+08:00` },
    );
    const k = truth.caseKpis;
    expect(k.closed).toBeGreaterThanOrEqual(1);
    expect(k.satisfactionRate).toBe(1);
    const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

    await page.goto(`${server.base}/`);
    const kpis = page.getByTestId('case-kpis');
    await kpis.waitFor();
    const value = (id: string) => page.getByTestId(id).locator('.stat-value').innerText();
    expect(await page.getByTestId('stat-cases').innerText()).toContain(`${year}年受理事件`);
    expect(await value('stat-cases')).toBe(k.received.toLocaleString('zh-CN'));
    expect(await value('stat-closed')).toBe(`${k.due} / ${k.closed}`);
    expect(await value('stat-completion')).toBe(pct(k.completionRate));
    expect(await value('stat-on-time')).toBe(pct(k.onTimeRate));
    expect(await value('stat-satisfaction')).toBe('100.0%');
    await page.waitForTimeout(1200);
    await shot('01a-dashboard-kpis');
  });
  it('opens the dashboard with the population figures of the API and drills into an area from the chart', async () => {
    const truth = await api<{
      all: { totalCount: number };
      reg: { totalCount: number };
      old: { totalCount: number };
    }>(
      `{ all: persons(first: 0, filter: { areaCode: "${STREET}" }) { totalCount }
         reg: persons(first: 0, filter: { areaCode: "${STREET}", residenceType: REGISTERED }) { totalCount }
         old: persons(first: 0, filter: { areaCode: "${STREET}", ageMin: 60 }) { totalCount } }`,
    );
    expect(truth.all.totalCount).toBe(400);

    await page.goto(`${server.base}/`);
    // The home area is the first with several children: the district 汉滨区, whose 27 streets fill the chart.
    await page.getByTestId('current-area').filter({ hasText: '汉滨区' }).waitFor();
    await page.getByTestId('stat-total').filter({ hasText: '400' }).waitFor();
    const chart = page.getByTestId('chart-population');
    await chart.locator('canvas').waitFor();
    const box = (await chart.boundingBox())!;
    expect(box.width).toBeGreaterThan(600);
    await page.waitForTimeout(1500); // let the bars' entry animation finish before the screenshot
    await shot('01-dashboard-district');

    // Click the bar of 新城街道 (second of the district's streets, the only one with residents):
    // the chart's grid is 48 px from the left and 16 px from the right, and the bar is full height.
    const streets = 27;
    const x = box.x + 48 + 1.5 * ((box.width - 64) / streets);
    const y = box.y + box.height - 90 - 40;
    await page.mouse.click(x, y);
    await page.waitForURL(`**/?area=${STREET}`);
    await page.getByTestId('current-area').filter({ hasText: '新城街道' }).waitFor();
    await page
      .getByTestId('stat-total')
      .filter({ hasText: String(truth.all.totalCount) })
      .waitFor();
    expect(await page.getByTestId('stat-registered').innerText()).toContain(String(truth.reg.totalCount));
    expect(await page.getByTestId('stat-elderly').innerText()).toContain(String(truth.old.totalCount));
    expect(await page.getByTestId('stat-cases').innerText()).toMatch(/\d+/);
    await page.getByTestId('chart-status').locator('canvas').waitFor();
    await page.waitForTimeout(1500);
    await shot('02-dashboard-street');

    // The status chart drills into the map of the street with only the cases in that status.
    // Every seeded case is 上报 (REPORTED), so the ring is one slice: click on the ring, right of centre.
    const ring = (await page.getByTestId('chart-status').boundingBox())!;
    const r = (Math.min(ring.width, ring.height) / 2) * 0.54;
    const mapRequest = page.waitForRequest(
      (req) => req.url().endsWith('/graphql') && (req.postData() ?? '').includes('"status":"REPORTED"'),
    );
    await page.mouse.click(ring.x + ring.width / 2 + r, ring.y + ring.height * 0.45);
    await page.waitForURL(`**/map?area=${STREET}&status=REPORTED`);
    // The map asks the API for the street's cases in that status only.
    const sent = JSON.parse((await mapRequest).postData()!) as { variables: Record<string, unknown> };
    expect(sent.variables).toEqual({ code: STREET, status: 'REPORTED' });
    await page.getByTestId('map-status-filter').filter({ hasText: '上报' }).waitFor();
    await page.getByTestId('marker-case').first().waitFor();
  });

  it('draws the map from the API GeoJSON and zooms into an area when it is clicked', async () => {
    const district = await api<{ area: { children: { code: string }[] } }>(
      `{ area(code: "610902") { children { code } } }`,
    );
    const street = await api<{ area: { children: { code: string }[] } }>(
      `{ area(code: "${STREET}") { children { code } } }`,
    );
    await page.goto(`${server.base}/map?area=610902`);
    const map = page.getByTestId('map');
    await map.waitFor();
    expect(await map.getAttribute('data-area')).toBe('610902');
    await expect(page.getByTestId('map-area').count()).resolves.toBe(district.area.children.length);
    await shot('03-map-district');

    // Markers crowd the small street at district scale: hide them as a user would, then click the street.
    await page.getByLabel(/^房屋/).uncheck();
    await page.getByLabel(/^事件/).uncheck();
    await page.locator(`[data-testid="map-area"][data-code="${STREET}"]`).click();
    await page.waitForURL(`**/map?area=${STREET}`);
    await page.locator(`[data-testid="map"][data-area="${STREET}"]`).waitFor();
    await expect(page.getByTestId('map-area').count()).resolves.toBe(street.area.children.length);
    await page.getByLabel(/^房屋/).check();
    await page.getByLabel(/^事件/).check();
    expect(await page.getByTestId('marker-case').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('marker-house').count()).toBeGreaterThan(0);
    await shot('04-map-street');

    await page.getByLabel(/^事件/).uncheck();
    await page.getByLabel(/^房屋/).uncheck();
    await page.locator(`[data-testid="map-area"][data-code="${COMMUNITY}"]`).click();
    await page.locator(`[data-testid="map"][data-area="${COMMUNITY}"]`).waitFor();
    expect(await page.getByTestId('current-area').innerText()).toBe('香溪社区');
    await page.getByLabel(/^房屋/).check();
    await page.getByLabel(/^事件/).check();
    await shot('05-map-community');
  });

  it('shows a case reported through the API in the live feed within 2 seconds, then its next step', async () => {
    await page.goto(`${server.base}/live`);
    await page.getByTestId('live-state').filter({ hasText: '实时连接正常' }).waitFor();
    // The subscriptions are sent right after the socket is acknowledged; give the server a moment
    // to register them before the change, as any subscriber would.
    await page.waitForTimeout(500);

    const started = Date.now();
    const made = await api<{ reportCase: { id: string } }>(
      `mutation { reportCase(input: { categoryCode: "E0101", channel: HOTLINE_12345, description: "香溪路12号门口垃圾无人清运", location: { type: "Point", coordinates: [109.0256, 32.6882] } }) { id } }`,
    );
    const id = made.reportCase.id;
    const reportedItem = page.locator(`[data-testid="feed-item"][data-id="${id}"][data-action="REPORT"]`);
    await reportedItem.waitFor({ timeout: Math.max(0, 2000 - (Date.now() - started)) });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2000);
    expect(await reportedItem.getAttribute('data-type')).toBe('Case');
    expect(await reportedItem.getAttribute('class')).toContain('feed-case');
    await reportedItem.filter({ hasText: '香溪路12号门口垃圾无人清运' }).waitFor();
    expect(await reportedItem.innerText()).toContain('上报');

    await api(`mutation ($i: TransitionCaseInput!) { transitionCase(input: $i) { id } }`, {
      i: { caseId: id, action: 'FILE' },
    });
    const filed = page.locator(`[data-testid="feed-item"][data-id="${id}"][data-action="FILE"]`);
    await filed.waitFor({ timeout: 2000 });
    expect(await filed.innerText()).toContain('立案');
    // Newest first.
    expect(await page.getByTestId('feed-item').first().getAttribute('data-action')).toBe('FILE');

    // Other ledger changes still come through recordChanged.
    const thing = await api<{ createThing: { thing: { id: string } } }>(
      `mutation { createThing(input: { category: "HYDRANT", name: "香溪路测试消火栓", location: { type: "Point", coordinates: [109.0256, 32.6882] } }) { thing { id } } }`,
    );
    await page
      .locator(`[data-testid="feed-item"][data-id="${thing.createThing.thing.id}"]`)
      .filter({ hasText: '香溪路测试消火栓' })
      .waitFor({ timeout: 2000 });
    await shot('06-live-feed');
  });

  it('reconnects after the server restarts and replays the case steps it missed, from the last sequence number', async () => {
    // The console's socket goes through the test, which can hold it closed (as a network outage
    // would) and sees the subscriptions it sends.
    const subscribes: Record<string, unknown>[] = [];
    let held = false;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      if (held) {
        ws.close({ code: 1012, reason: 'outage' });
        return;
      }
      const upstream = ws.connectToServer();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m)) as {
          type: string;
          payload?: { query?: string; variables?: Record<string, unknown> };
        };
        if (msg.type === 'subscribe' && msg.payload?.query?.includes('caseUpdated'))
          subscribes.push(msg.payload.variables ?? {});
        upstream.send(m);
      });
    });
    await page.goto(`${server.base}/live`);
    await page.getByTestId('live-state').filter({ hasText: '实时连接正常' }).waitFor();
    await page.waitForTimeout(500);
    const before = await api<{ reportCase: { id: string } }>(
      `mutation { reportCase(input: { categoryCode: "E0101", channel: APP, description: "重连前上报的事件", location: { type: "Point", coordinates: [109.0256, 32.6882] } }) { id } }`,
    );
    await page
      .locator(`[data-testid="feed-item"][data-id="${before.reportCase.id}"]`)
      .waitFor({ timeout: 2000 });

    // The server restarts, and the console cannot reach it until the case below has been reported:
    // that case can only reach the feed through the replay the console asks for with `after`.
    held = true;
    const restarted = server.restart();
    await page
      .getByTestId('live-state')
      .filter({ hasText: '连接中断，正在重连' })
      .waitFor({ timeout: 10000 });
    await restarted;
    const missed = await api<{ reportCase: { id: string } }>(
      `mutation { reportCase(input: { categoryCode: "E0101", channel: APP, description: "断线期间上报的事件", location: { type: "Point", coordinates: [109.0256, 32.6882] } }) { id } }`,
    );
    expect(await page.getByTestId('live-state').innerText()).toContain('正在重连');
    held = false;
    await page.getByTestId('live-state').filter({ hasText: '实时连接正常' }).waitFor({ timeout: 20000 });
    await page
      .locator(`[data-testid="feed-item"][data-id="${missed.reportCase.id}"]`)
      .filter({ hasText: '断线期间上报的事件' })
      .waitFor({ timeout: 5000 });
    // The first subscription started fresh; the one after the reconnect passed the last sequence seen.
    expect(subscribes[0].after).toBeNull();
    const resumed = subscribes[subscribes.length - 1];
    expect(typeof resumed.after).toBe('number');
    await shot('06b-live-feed-resumed');
  });

  it('opens a person and shows each field with the department and file that supplied it, the history and as-of reads', async () => {
    const created = await api<{ createPerson: { person: { id: string; version: number } } }>(
      `mutation { createPerson(input: { name: "来源测试", areaCode: "${COMMUNITY}01", idNumber: "610902198001010019", phone: "13800001111" }) { person { id version } } }`,
    );
    const id = created.createPerson.person.id;
    await new Promise((r) => setTimeout(r, 50));
    await api(
      `mutation ($id: ID!) { updatePerson(id: $id, input: { phone: "13900002222", expectedVersion: 1 }) { person { id } } }`,
      { id },
    );

    // A seeded resident first: values from the fixture district, supplied by the police registry.
    await page.goto(`${server.base}/persons?area=${COMMUNITY}`);
    const firstLink = page.getByTestId('persons-table').locator('tbody a').first();
    const name = await firstLink.innerText();
    await firstLink.click();
    await page.getByTestId('person-name').filter({ hasText: name }).waitFor();
    const nameRow = page.locator('[data-testid="person-sources"] tr[data-field="name"]');
    expect(await nameRow.getByTestId('source').innerText()).toContain('公安分局');
    expect(await nameRow.getByTestId('source').innerText()).toContain('初始数据');
    expect(
      await page.locator('[data-testid="person-sources"] tr[data-field="idNumber"] td').first().innerText(),
    ).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    await shot('07-person-seeded');

    // The edited resident: the phone's source is the staff edit, history has both changes, and
    // moving the as-of slider to the start shows the phone as first entered.
    await page.goto(`${server.base}/person/${id}`);
    await page.getByTestId('person-name').filter({ hasText: '来源测试' }).waitFor();
    const phoneRow = page.locator('[data-testid="person-sources"] tr[data-field="phone"]');
    await phoneRow.filter({ hasText: '139****2222' }).waitFor();
    expect(await phoneRow.getByTestId('source').innerText()).toContain('人工录入');
    await expect(page.getByTestId('history').locator('li').count()).resolves.toBe(2);
    const slider = page.locator('#asof-slider');
    await slider.focus();
    await page.keyboard.press('Home');
    await page.getByTestId('asof').filter({ hasText: '时的记录' }).waitFor();
    await phoneRow.filter({ hasText: '138****1111' }).waitFor();
    await shot('08-person-as-of');
  });

  it('lists the forms, generates a report through the real worker and offers the XLSX download', async () => {
    const forms = await api<{ forms: { id: string; title: string }[] }>('{ forms { id title } }');
    await page.goto(`${server.base}/reports`);
    await page
      .getByTestId('forms')
      .locator('li')
      .nth(forms.forms.length - 1)
      .waitFor();
    expect(await page.getByTestId('forms').locator('li').count()).toBe(forms.forms.length);
    const elderly = forms.forms.find((f) => /老/.test(f.title)) ?? forms.forms[0];
    await page.getByTestId('report-form').selectOption({ label: elderly.title });
    expect(await page.getByTestId('report-period').inputValue()).toMatch(/^\d{4}(Q[1-4]|-\d{2})?$/);
    await page.getByTestId('report-generate').click();
    const result = page.locator('[data-testid="report-result"][data-status="DONE"]');
    await result.waitFor({ timeout: 30000 });
    const link = page.getByTestId('report-download');
    expect(await link.getAttribute('href')).toMatch(/^\/reports\/\d+\/file\?token=/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe('PK'); // an XLSX is a zip
    await shot('09-report-ready');
  });

  it('uploads a department roster, shows the detected mapping, follows the progress to 100% and offers the rejects', async () => {
    const fixture = path.join(ROOT, 'fixtures', 'ingest', 'civil-affairs-dibao.xlsx');
    await page.goto(`${server.base}/import`);
    await page.getByRole('heading', { name: '导入部门表格' }).waitFor();
    await page.getByTestId('ingest-file').setInputFiles(fixture);
    await page.getByLabel('部门模板').selectOption('civil-affairs-dibao');
    await page.getByLabel('所属区域').selectOption(STREET);
    // a preview first: the mapping and counts, nothing written
    const runsBefore = (await api<{ ingestRuns: unknown[] }>('{ ingestRuns { id } }')).ingestRuns.length;
    await page.getByTestId('ingest-preview').click();
    await page.getByTestId('ingest-preview-result').waitFor();
    await page
      .locator('[data-testid="ingest-preview-result"] [data-testid="ingest-mapping"][data-target="idNumber"]')
      .first()
      .waitFor();
    expect(await page.getByTestId('preview-counts').first().innerText()).toMatch(/共 \d+ 行，可入库 \d+/);
    expect((await api<{ ingestRuns: unknown[] }>('{ ingestRuns { id } }')).ingestRuns.length).toBe(
      runsBefore,
    );
    const uploaded = page.waitForResponse((r) => r.url().includes('/ingest/upload'));
    await page.getByTestId('ingest-start').click();
    const response = await uploaded;
    expect(response.status()).toBe(202);
    const { run } = (await response.json()) as { run: { id: string } };

    // Progress events move the bar; it ends at 100% with the run's real counts.
    await page.locator('[data-testid="ingest-progress"][data-value="100"]').waitFor({ timeout: 30000 });
    await page.locator('[data-testid="ingest-run"][data-status="SUCCEEDED"]').waitFor({ timeout: 10000 });
    const truth = await api<{
      ingestRun: { status: string; rowsTotal: number; landed: number; skipped: number; rejected: number };
    }>('query ($id: ID!) { ingestRun(id: $id) { status rowsTotal landed skipped rejected } }', {
      id: run.id,
    });
    expect(truth.ingestRun.status).toBe('SUCCEEDED');
    expect(truth.ingestRun.landed).toBeGreaterThan(0);
    expect(await page.getByTestId('ingest-landed').innerText()).toBe(String(truth.ingestRun.landed));
    expect(await page.getByTestId('ingest-rejected').innerText()).toBe(String(truth.ingestRun.rejected));
    // The profile's columns were mapped to ledger fields.
    await page.locator('[data-testid="ingest-mapping"][data-target="idNumber"]').first().waitFor();
    await page.locator('[data-testid="ingest-mapping"][data-target="fact.monthlyAmount"]').first().waitFor();
    await shot('11-ingest-complete');

    if (truth.ingestRun.skipped + truth.ingestRun.rejected > 0) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: '下载拒收与跳过清单' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('civil-affairs-dibao.xlsx.问题行.xlsx');
      expect(
        fs
          .readFileSync(await download.path())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
    }

    // The review queue lists what the API's reviewQueue holds for this run; answering an item
    // removes it there.
    const queue = async () =>
      (
        await api<{ reviewQueue: { id: string; kind: string }[] }>(
          'query ($id: ID) { reviewQueue(first: 50, runId: $id) { id kind } }',
          { id: run.id },
        )
      ).reviewQueue;
    const before = await queue();
    expect(before.length).toBeGreaterThan(0);
    await page.locator('[data-testid="review-item"]').first().waitFor();
    expect(await page.locator('[data-testid="review-item"]').count()).toBe(before.length);
    expect(await page.getByTestId('review-count').innerText()).toBe(String(before.length));
    const first = page.locator(`[data-testid="review-item"][data-id="${before[0].id}"]`);
    // each item says where it came from: the roster just uploaded raised it
    expect(await first.getByTestId('review-source').innerText()).toContain('civil-affairs-dibao.xlsx');
    await first.getByLabel('备注').fill('已入户核实');
    await first.scrollIntoViewIfNeeded();
    await shot('12-review-queue');
    await first.getByRole('button').first().click(); // KEEP, whatever the item's kind calls it
    await first.waitFor({ state: 'detached', timeout: 10000 });
    expect((await queue()).map((i) => i.id)).not.toContain(before[0].id);
  });

  it("answers a conflict on the person page: the other source's value becomes the shown one", async () => {
    // the health roster disagrees with the civil-affairs roster imported above about a phone
    const form = new FormData();
    const csv = fs.readFileSync(path.join(ROOT, 'fixtures', 'ingest', 'health-chronic.csv'));
    form.append('file', new Blob([csv]), 'health-chronic.csv');
    const res = await fetch(`${server.base}/ingest/upload?profile=health-chronic&areaCode=${STREET}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
      body: form,
    });
    expect(res.status).toBe(202);
    const { run } = (await res.json()) as { run: { id: string } };
    for (let i = 0; ; i++) {
      const r = await api<{ ingestRun: { status: string } }>(
        'query ($id: ID!) { ingestRun(id: $id) { status } }',
        {
          id: run.id,
        },
      );
      if (r.ingestRun.status === 'SUCCEEDED') break;
      expect(r.ingestRun.status).not.toBe('FAILED');
      expect(i).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { reviewQueue } = await api<{
      reviewQueue: { id: string; person: string; field: string; otherValue: string }[];
    }>(
      'query ($id: ID) { reviewQueue(first: 50, runId: $id, kind: "CONFLICT") { id person field otherValue } }',
      {
        id: run.id,
      },
    );
    const item = reviewQueue.find((i) => i.field === 'phone')!;
    expect(item).toBeDefined();
    const number = item.id.split(':')[1];

    await page.goto(`${server.base}/person/${item.person}`);
    const conflict = page.locator(`[data-testid="conflict"][data-id="${number}"]`);
    await conflict.waitFor();
    await shot('13-person-conflict');
    await conflict.getByRole('button', { name: '采用另一来源' }).click();
    await page.locator(`[data-testid="conflict"][data-id="${number}"][data-status="RESOLVED"]`).waitFor();
    await page
      .locator('[data-testid="person-sources"] tr[data-field="phone"]')
      .filter({ hasText: item.otherValue })
      .waitFor();
    const after = await api<{ node: { conflicts: { id: string; decision: string | null }[] } }>(
      'query ($id: ID!) { node(id: $id) { ... on Person { conflicts { id decision } } } }',
      { id: item.person },
    );
    expect(after.node.conflicts).toContainEqual({ id: number, decision: 'TAKE_OTHER' });
  });

  it('stays readable on a laptop screen', async () => {
    const laptop = await context.newPage();
    await laptop.setViewportSize({ width: 1366, height: 768 });
    const now = await api<{ persons: { totalCount: number } }>(
      `{ persons(first: 0, filter: { areaCode: "${STREET}" }) { totalCount } }`,
    );
    await laptop.goto(`${server.base}/?area=${STREET}`);
    await laptop
      .getByTestId('stat-total')
      .filter({ hasText: String(now.persons.totalCount) })
      .waitFor();
    await laptop.getByTestId('chart-population').locator('canvas').waitFor();
    // No horizontal scrolling: the layout fits the narrower screen.
    const overflow = await laptop.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await laptop.waitForTimeout(1500);
    await shot('10-dashboard-laptop', laptop);
    await laptop.close();
  });
});
