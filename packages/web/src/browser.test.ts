import { join } from 'node:path';
import { open, type Investigation } from '@logsift/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './server/http.js';
import { artifacts, browserAvailable, launch } from './test/browser.js';
import { appDir, raw, servicesLog } from './test/support.js';

/**
 * The page in real Chromium over the bundled sample, as a person uses it: a query, the
 * histogram and counts (equal to the api's `count`, which the CLI prints), an error opened,
 * its request followed to the waterfall, the time range zoomed, the list driven by keyboard,
 * back / forward, and every other view. One browser for the file; screenshots in test-artifacts/.
 */
describe.skipIf(!browserAvailable())('the web view in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let inv: Investigation;
  const errors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`) });
  const total = async () => Number((await page.getByTestId('total').textContent())!.replace(/,/g, ''));

  beforeAll(async () => {
    server = await startServer({ open: (control) => open(servicesLog, { ...control, cache: false }), appDir });
    inv = await server.ready;
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // A CSP violation or script error shows up here and fails the last test.
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens the sample: histogram and counts equal the api', async () => {
    await page.goto(server.url);
    await page.getByTestId('total').waitFor();
    const all = await inv.count({ aggregate: ['level'] });
    expect(await total()).toBe(all.total);
    expect(await page.locator('[data-testid=histogram] canvas').count()).toBeGreaterThan(0);
    await shot('entries');
  });

  it('a typed query: the counts per level are the api count of that query', async () => {
    await page.getByTestId('query').fill('level>=warn');
    await page.getByTestId('query').press('Enter');
    const want = await inv.count({ q: 'level>=warn', aggregate: ['level'] });
    await expect.poll(total).toBe(want.total);
    for (const [level, n] of Object.entries(want.aggregations.level ?? {})) {
      await expect.poll(() => page.locator(`[data-level=${level}]`).textContent()).toBe(`${level} ${n.toLocaleString('en-US')}`);
    }
    expect(page.url()).toContain('q=level%3E%3Dwarn');
    // A text term is marked in every shown row where it matched.
    await page.getByTestId('query').fill('timeout');
    await page.getByTestId('query').press('Enter');
    await expect.poll(total).toBe((await inv.count({ q: 'timeout' })).total);
    await page.locator('.row[data-entry] mark').first().waitFor();
    const marked = await page.locator('.row[data-entry] mark').allTextContents();
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.every((m) => m.toLowerCase() === 'timeout')).toBe(true);
  });

  it('an error opens its context and ids; its request opens as a waterfall with the failing span marked', async () => {
    await page.getByTestId('query').fill('level>=error');
    await page.getByTestId('query').press('Enter');
    const first = page.locator('.row.lv-ERROR').first();
    await first.waitFor();
    await expect.poll(() => page.locator('.row mark').count()).toBe(0); // a level filter marks no text
    await first.click();
    await page.getByTestId('context').waitFor();
    await expect(page.locator('.ctx.self').count()).resolves.toBe(1);
    await shot('entry-detail');
    const link = page.locator('[data-testid=ids] a[data-id-kind=request]');
    const id = (await link.textContent())!;
    await link.click();
    await page.getByTestId('waterfall').waitFor();
    const follow = await inv.follow(id);
    await expect.poll(() => page.getByTestId('outcome').textContent()).toBe(follow.outcome);
    expect(follow.outcome).toBe('error');
    expect(await page.locator('.span-row.error[data-failing=true]').count()).toBeGreaterThan(0);
    expect(await page.locator('.span-row.critical').count()).toBeGreaterThan(0);
    await shot('waterfall');
    // Back returns to the error list with its query, forward to the waterfall.
    await page.goBack();
    await page.getByTestId('entry-list').waitFor();
    expect(await page.getByTestId('query').inputValue()).toBe('level>=error');
    await page.goForward();
    await page.getByTestId('waterfall').waitFor();
    await page.goBack();
  });

  it('dragging across the histogram zooms the time range of the list', async () => {
    await page.getByTestId('query').fill('');
    await page.getByTestId('query').press('Enter');
    await expect.poll(total).toBe((await inv.count()).total);
    const before = await total();
    const box = (await page.locator('[data-testid=histogram] .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('zoom').waitFor();
    const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
    const zoomed = await inv.count({ after: hash.get('after')!, before: hash.get('before')! });
    await expect.poll(total).toBe(zoomed.total);
    expect(zoomed.total).toBeGreaterThan(0);
    expect(zoomed.total).toBeLessThan(before);
    await shot('zoomed');
    await page.getByText('reset zoom').click();
    await expect.poll(total).toBe(before);
  });

  it('the list is driven by keyboard and stays small in the DOM', async () => {
    const list = page.getByTestId('entry-list');
    await list.locator('.row[data-entry]').first().waitFor();
    await list.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => list.locator('.row.selected').getAttribute('data-index')).toBe('2');
    await page.keyboard.press('k');
    await expect.poll(() => list.locator('.row.selected').getAttribute('data-index')).toBe('1');
    const n = await total();
    await page.keyboard.press('End');
    await expect.poll(() => list.locator('.row.selected').getAttribute('data-index')).toBe(String(n - 1));
    await list.locator('.row.selected[data-entry]').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('detail').waitFor();
    const last = await inv.search({ offset: n - 1, limit: 1 });
    expect(await page.locator('.ctx.self .msg').textContent()).toBe(last.entries[0]!.message);
    expect(await page.locator('.row').count()).toBeLessThan(120);
    await page.keyboard.press('Home');
    await expect.poll(() => list.locator('.row.selected').getAttribute('data-index')).toBe('0');
  });

  it('shows the error flow, the templates with sparklines, and two requests compared', async () => {
    await page.locator('[data-tab=errors]').click();
    await page.getByTestId('error-tree').waitFor();
    const flow = await inv.errorFlow({});
    if (flow.mode === 'scope' && flow.suggestedOrigin) expect(await page.getByTestId('origin').textContent()).toBe(flow.suggestedOrigin);
    await shot('error-flow');
    await page.locator('[data-tab=templates]').click();
    await page.getByTestId('templates-table').waitFor();
    const t = await inv.templates({ limit: 100 });
    expect(await page.locator('[data-testid=templates-table] tbody tr').count()).toBe(t.templates.length);
    expect(await page.locator('[data-testid=templates-table] polyline').count()).toBe(t.templates.length);
    await shot('templates');
    const failing = (await inv.search({ q: 'level>=error', limit: 1 })).entries[0]!.request!;
    const fine = (await inv.ids({ kind: 'request', limit: 1000 })).kinds[0]!.ids.find((i) => i.id !== failing)!.id;
    await page.locator('[data-tab=compare]').click();
    await page.getByTestId('compare-a').fill(failing);
    await page.getByTestId('compare-b').fill(fine);
    // The button, not Enter: Enter in an input with a datalist may pick a suggestion instead.
    await page.locator('.compare button').click();
    await page.getByTestId('divergence').waitFor();
    const cmp = await inv.compare(failing, fine);
    expect(await page.getByTestId('divergence').textContent()).toContain(cmp.comparison.divergence ? `step ${cmp.comparison.divergence.index + 1}` : 'agree');
    await page.locator('[data-testid=side-B] .ctx').first().waitFor();
    await shot('compare');
  });

  it("refuses the page's API calls without the token (401) and a foreign Host (403)", async () => {
    const status = await page.evaluate(async () => (await fetch('/api/stats')).status);
    expect(status).toBe(401);
    expect((await raw(server.port, '/api/stats', { Authorization: `Bearer ${server.token}`, Host: 'rebind.example' })).status).toBe(403);
  });

  it('ran without a script error or CSP violation', () => {
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
  });
});
