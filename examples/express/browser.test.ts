import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3rver } from '@exportkit/dev-servers';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoOptions, startDemo } from './demo-app.js';
import { storesFromEnvironment } from './stores-from-env.js';

const chromiumPath = '/usr/bin/chromium';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rowCount = 12_000;

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The browser test needs Debian's Chromium at ${chromiumPath}: apt-get install -y chromium`,
    );
  }
  dir = await mkdtemp(join(tmpdir(), 'exportkit-express-demo-'));
  // Playwright gives each launch a fresh temporary profile (the user data dir).
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('examples/express demo page in headless Chromium', () => {
  it('memory job store + local-disk files: click, progress from the event stream, download every part', async () => {
    await clickToDownloadedRows({ dataDir: join(dir, 'local') });
  });

  it('Postgres job store + S3 files (s3rver): the same page, downloads redirected to S3', async () => {
    const schema = `exportkit_express_demo_${process.pid}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect().catch((error: unknown) => {
      throw new Error(
        `This test needs Postgres at ${databaseUrl} (see TOOLCHAIN.md): ${String(error)}`,
      );
    });
    const s3 = await startS3rver({ buckets: ['demo'] });
    const stores = await storesFromEnvironment({
      DATABASE_URL: databaseUrl,
      EXPORTKIT_SCHEMA: schema,
      S3_BUCKET: 'demo',
      S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    });
    try {
      await clickToDownloadedRows(
        { dataDir: join(dir, 'unused'), jobStore: stores.jobStore, store: stores.store },
        s3.endpoint,
      );
      const { rows } = await admin.query(
        `SELECT status, count(*)::int AS n FROM "${schema}".jobs GROUP BY status`,
      );
      expect(rows).toEqual([{ status: 'succeeded', n: 1 }]);
    } finally {
      await stores.close();
      await s3.stop();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});

/**
 * Opens the demo page, clicks "Export orders", watches the progress bar move, then clicks each
 * download link and checks every row of every downloaded file.
 */
async function clickToDownloadedRows(options: DemoOptions, filesOrigin?: string): Promise<void> {
  const demo = await startDemo({ ...options, rowCount, pauseMs: 60 });
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(demo.url);
    await expect.poll(() => page.textContent('#user')).toBe('Alice (acme)');

    // Record every value the progress bar takes (a string: this file is type-checked without DOM types).
    await page.evaluate(`(() => {
      const bar = document.getElementById('progress');
      window.progressSeen = [];
      const record = () => window.progressSeen.push(bar.position === -1 ? -1 : bar.value);
      new MutationObserver(record).observe(bar, { attributes: true });
      // value is a property as well as an attribute: sample it too.
      setInterval(record, 20);
    })()`);

    const downloadsSeen: string[] = [];
    await page.click('#export');
    await page.waitForSelector('#files a', { timeout: 60_000 });
    await expect
      .poll(() => page.textContent('#status'))
      .toBe(`Ready: ${rowCount} rows in 3 file(s).`);
    const seen = (await page.evaluate('window.progressSeen')) as number[];
    expect(seen.some((value) => value > 0 && value < 1)).toBe(true);
    expect(seen.at(-1)).toBe(1);

    const links = await page.$$('#files a');
    expect(links).toHaveLength(3);
    const ids: number[] = [];
    for (const link of links) {
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      downloadsSeen.push(download.url());
      expect(download.suggestedFilename()).toMatch(/^orders-[0-9a-f]{8}-part-[1-3]\.csv$/);
      const text = await readFile((await download.path())!, 'utf8');
      const [header, ...rows] = parse(text) as string[][];
      expect(header).toEqual(['order_id', 'customer', 'placed_at', 'total']);
      for (const row of rows) {
        expect(row[1]).toBe(`acme customer ${Number(row[0]) % 97}, "VIP"`);
        ids.push(Number(row[0]));
      }
    }
    expect(ids).toEqual(Array.from({ length: rowCount }, (_, i) => i + 1));
    // Each click went through the API's 302 to a signed URL of the store.
    expect(downloadsSeen.length).toBeGreaterThanOrEqual(3);
    const origin = filesOrigin ?? `${demo.url}/downloads/`;
    expect(downloadsSeen.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(failures).toEqual([]);
  } finally {
    await context.close();
    await demo.close();
  }
}
