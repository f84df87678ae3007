import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { ARTIFACTS } from './server';
import { STUB_USER, startStubApi, type StubApi } from './stub-api';

/**
 * The ingest page, built for operations the real server does not have yet (upload, ingestRun,
 * ingestProgress, rejects), driven against a stand-in API with those operations in the shapes
 * the ingest issue describes. The same page says "该功能尚未启用" against today's real server (see
 * console.e2e.ts). Sign-in, reports and the case feed are proven against the real server there.
 */
let stub: StubApi;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

beforeAll(async () => {
  stub = await startStubApi();
  browser = await launchBrowser();
  // Signed in already: sign-in itself is proven against the real server.
  await browser.context.addInitScript((t) => localStorage.setItem('yibiao.token', t), STUB_USER.token);
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

describe('the ingest page against a server that has the ingest operations', () => {
  it('uploads a spreadsheet, shows the detected mapping on a dry run, then follows the run to 100% and offers the rejects', async () => {
    await page.goto(`${stub.base}/import`);
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
});
