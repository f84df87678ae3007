import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { ARTIFACTS } from './server';
import { STUB_USER, startStubApi, type StubApi } from './stub-api';

/**
 * The pages built for operations other modules are adding (sign-in, ingest, reports, case
 * transitions with resume), driven against a stand-in API with those operations in the shapes
 * the issues describe. The same pages say "该功能尚未启用" against today's real server (see
 * console.e2e.ts); these tests prove they work once the operations appear.
 */
let stub: StubApi;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const BEARER = `Bearer ${STUB_USER.token}`;

beforeAll(async () => {
  stub = await startStubApi();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 60000);

afterAll(async () => {
  await browser?.close();
  await stub?.close();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

describe('the console against a server that has sign-in, ingest, reports and case subscriptions', () => {
  it('asks to sign in, refuses a wrong password, then sends the bearer token over HTTP and graphql-ws', async () => {
    await page.goto(`${stub.base}/ingest`);
    await page.getByRole('heading', { name: '一表 · 登录' }).waitFor();
    await page.getByLabel('用户名').fill(STUB_USER.username);
    await page.getByLabel('密码').fill('wrong');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('用户名或密码不正确').waitFor();
    expect(stub.log.httpAuthorization.filter((a) => a === BEARER)).toEqual([]);
    await shot('11-login');

    await page.getByLabel('密码').fill(STUB_USER.password);
    await page.getByRole('button', { name: '登录' }).click();
    // Back on the page that asked for sign-in, now with the token.
    await page.getByRole('heading', { name: '导入部门表格' }).waitFor();
    expect(page.url()).toBe(`${stub.base}/ingest`);
    expect(stub.log.httpAuthorization).toContain(BEARER);
    // The socket (re)connects right after the reload; wait for its connection_init.
    const deadline = Date.now() + 5000;
    while (!stub.log.wsConnectionParams.some((p) => p.Authorization === BEARER) && Date.now() < deadline)
      await page.waitForTimeout(100);
    expect(stub.log.wsConnectionParams.some((p) => p.Authorization === BEARER)).toBe(true);
  });

  it('uploads a spreadsheet, shows the detected mapping on a dry run, then follows the run to 100% and offers the rejects', async () => {
    await page.goto(`${stub.base}/ingest`);
    const csv = '姓名,身份证号,联系电话\n张三,610902198001010019,13800001111\n李四,6.10902E+17,13900002222\n';
    await page
      .getByTestId('ingest-file')
      .setInputFiles({ name: '低保名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('ingest-dry-run').click();
    const preview = page.getByTestId('ingest-preview');
    await preview.filter({ hasText: '"姓名": "name"' }).waitFor();
    expect(stub.log.uploads).toEqual([
      { fileName: '低保名册.csv', dryRun: true, bytes: Buffer.byteLength(csv) },
    ]);

    await page.getByTestId('ingest-start').click();
    const progress = page.getByTestId('ingest-progress');
    await progress.waitFor();
    await page.locator('[data-testid="ingest-progress"][data-value="100"]').waitFor({ timeout: 10000 });
    await page.getByTestId('ingest-summary').filter({ hasText: 'COMPLETED' }).waitFor();
    const rejects = page.getByRole('link', { name: '下载拒收与跳过清单' });
    const [download] = await Promise.all([page.waitForEvent('download'), rejects.click()]);
    expect(download.suggestedFilename()).toBe('ingest-1-rejects.xlsx');
    expect(stub.log.uploads[1]).toMatchObject({ fileName: '低保名册.csv', dryRun: false });
    await shot('12-ingest-complete');
  });

  it('lists the forms, generates one for a period and downloads the XLSX', async () => {
    await page.goto(`${stub.base}/reports`);
    await page.getByTestId('report-form').selectOption({ label: '城乡低保对象统计表' });
    await page.getByLabel('报告期').fill('2026Q3');
    await page.getByTestId('report-generate').click();
    const link = page.getByTestId('report-download');
    await link.waitFor({ timeout: 10000 });
    await page.getByTestId('report-result').filter({ hasText: 'READY' }).waitFor();
    expect(await page.getByTestId('report-result').innerText()).toContain('2026Q3');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('report-1.xlsx');
    await shot('13-report-ready');
  });

  it('shows case transitions live, highlighted, and after a dropped connection resumes from the last sequence number', async () => {
    await page.goto(`${stub.base}/live`);
    await page.getByTestId('live-state').filter({ hasText: '实时连接正常' }).waitFor();
    await page.waitForTimeout(300);
    const first = stub.emitCase('香溪路12号屋檐下马蜂窝', 'REPORTED');
    const item = page
      .locator('.feed-case[data-testid="feed-item"]')
      .filter({ hasText: '香溪路12号屋檐下马蜂窝' });
    await item.waitFor({ timeout: 2000 });
    expect(await item.innerText()).toContain('上报');

    stub.dropSockets();
    const missed = stub.emitCase('果园路危岩松动', 'FILED'); // sent while the console is offline
    await page.getByTestId('live-state').filter({ hasText: '实时连接正常' }).waitFor({ timeout: 15000 });
    await page
      .locator('.feed-case[data-testid="feed-item"]')
      .filter({ hasText: '果园路危岩松动' })
      .waitFor({ timeout: 5000 });
    expect(stub.log.caseSubscriptions.map((s) => s.afterSequence)).toContain(first.sequence);
    expect(missed.sequence).toBe(first.sequence + 1);
    await shot('14-live-cases-resumed');
  });
});
