// The browser demo (web/, router/demo.ts) in Debian's Chromium, headless, driven by
// playwright-core: the page loads from the router, the live feed ticks, a chat message sent in
// one tab appears in another, and an RPC call to demo.add returns. Saves a screenshot under
// test-results/browser/ (UPDATE_DEMO_SCREENSHOT=1 also copies it to docs/demo.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type DemoHandle } from '../../router/demo.js';
import { expectAllZero, startRouter, type TestRouter } from '../helpers/router.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUTPUT = process.env.TEST_OUTPUT_DIR ?? join(ROOT, 'test-results', 'browser');
// CI installs Chromium (.ci/run): there a missing browser is a failure, elsewhere a skip.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}; .ci/run installs it with apt-get`);

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!available)('browser demo (Chromium headless)', () => {
  let running: TestRouter;
  let demo: DemoHandle | undefined;
  let context: BrowserContext | undefined;
  let profile = '';

  beforeAll(async () => {
    running = await startRouter();
    demo = await startDemo(running.router, { realm: 'realm1', intervalMs: 250 });
    profile = mkdtempSync(join(tmpdir(), 'sprocket-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
      viewport: { width: 1280, height: 720 },
      timeout: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile !== '') rmSync(profile, { recursive: true, force: true });
    demo?.stop();
    if (running !== undefined) {
      await expectAllZero(running.router);
      await running.router.close();
    }
  }, 30_000);

  async function open(): Promise<Page> {
    const page = await context!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`http://127.0.0.1:${running.port}/`);
    await page.waitForSelector('#status[data-state="open"]', { timeout: 15_000 });
    expect(problems).toEqual([]);
    return page;
  }

  it('loads from the router, ticks the live feed, relays chat between two tabs, calls demo.add; saves a screenshot', async () => {
    const first = await open();
    const second = await open();
    expect(await first.title()).toContain('Sprocket');
    expect(running.router.stats().sessions).toBe(3); // two tabs and the demo session

    // live feed: events from the in-process ticker
    await first.waitForFunction(() => Number(document.querySelector('#ticker-count')?.textContent) >= 3, undefined, { timeout: 15_000 });
    expect(await first.locator('#ticker-price').textContent()).toMatch(/^\d+\.\d\d$/);
    expect(await first.locator('#feed li').count()).toBeGreaterThanOrEqual(3);

    // chat: sent from the first tab, seen in the second (and, with exclude_me false, the first)
    await first.fill('#chat-name', 'alice');
    await first.dispatchEvent('#chat-name', 'change');
    await first.fill('#chat-input', 'hello from tab one');
    await first.click('#chat-send');
    const line = second.locator('#chat-log li', { hasText: 'hello from tab one' });
    await line.waitFor({ timeout: 10_000 });
    expect(await line.textContent()).toContain('alice');
    await first.locator('#chat-log li', { hasText: 'hello from tab one' }).waitFor({ timeout: 10_000 });
    await second.fill('#chat-name', 'bob');
    await second.fill('#chat-input', 'hi alice, bob here');
    await second.click('#chat-send');
    await first.locator('#chat-log li', { hasText: 'hi alice, bob here' }).waitFor({ timeout: 10_000 });

    // RPC: demo.add registered by the in-process demo session
    await first.fill('#rpc-a', '20');
    await first.fill('#rpc-b', '22');
    await first.click('#rpc-call');
    await first.waitForSelector('#rpc-result[data-state="ok"]', { timeout: 10_000 });
    expect(await first.locator('#rpc-result').textContent()).toBe('20 + 22 = 42');

    // an RPC error is shown, not thrown
    await first.fill('#rpc-a', '');
    await first.evaluate(() => {
      (document.getElementById('rpc-a') as HTMLInputElement).type = 'text';
      (document.getElementById('rpc-a') as HTMLInputElement).value = 'x';
    });
    await first.click('#rpc-call');
    await first.waitForSelector('#rpc-result[data-state="error"]', { timeout: 10_000 });
    expect(await first.locator('#rpc-result').textContent()).toContain('wamp.error.invalid_argument');
    await first.evaluate(() => {
      (document.getElementById('rpc-a') as HTMLInputElement).type = 'number';
      (document.getElementById('rpc-a') as HTMLInputElement).value = '20';
    });
    await first.click('#rpc-call');
    await first.waitForSelector('#rpc-result[data-state="ok"]', { timeout: 10_000 });

    mkdirSync(OUTPUT, { recursive: true });
    const screenshot = join(OUTPUT, 'demo.png');
    await first.waitForFunction(() => Number(document.querySelector('#ticker-count')?.textContent) >= 12, undefined, { timeout: 15_000 });
    await first.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
    if (process.env.UPDATE_DEMO_SCREENSHOT === '1') copyFileSync(screenshot, join(ROOT, 'docs', 'demo.png'));

    await first.close();
    await second.close();
  }, 90_000);
});
