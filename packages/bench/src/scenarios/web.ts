import { existsSync } from 'node:fs';
import { open } from '@logsift/api';
import { prepared, SkipScenario, type Prepared, type Scenario, type ScenarioContext } from '../scenario.js';

/** Debian's chromium, driven by playwright-core (which never downloads a browser). */
const CHROMIUM = process.env['LOGSIFT_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * `logsift serve` over the JSON data file in headless Chromium: the server with the index
 * already built (timed from there), one page. Skipped when Chromium is not installed.
 */
async function servePage(ctx: ScenarioContext) {
  if (!existsSync(CHROMIUM)) throw new SkipScenario(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const [{ startServer }, { chromium }] = await Promise.all([import('@logsift/web'), import('playwright-core')]);
  const file = ctx.data.files.json.path;
  await (await ctx.investigation('json')).stats();
  // The same unchanged file: `open` reuses the index the context built.
  const server = await startServer({ open: (control) => open(file, control) });
  await server.ready;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Evaluated in the page (a string: this package is type-checked without the DOM library).
  const domNodes = () => page.evaluate<number>("document.getElementsByTagName('*').length");
  return {
    server,
    page,
    domNodes,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** The page loaded until its histogram is drawn and the first page of entries is in the list. */
async function firstView(page: import('playwright-core').Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('[data-testid=histogram] canvas').first().waitFor();
  await page.locator('.row[data-entry]').first().waitFor();
}

type Served = Awaited<ReturnType<typeof servePage>>;

/** A web scenario: the served page set up, `prepare` given it, torn down after. */
function webScenario(name: string, title: string, target: string, prepare: (s: Served, ctx: ScenarioContext) => Promise<Prepared>): Scenario {
  return {
    name,
    suite: 'web',
    title,
    target,
    setup: async (ctx) => {
      const s = await servePage(ctx);
      return { ...(await prepare(s, ctx)), teardown: s.close };
    },
  };
}

export const webScenarios: Scenario[] = [
  webScenario('web.first-page', 'web view: page load → histogram by level drawn and first page of entries shown (index built)', '≤ 1 s on 1M entries', async (s, ctx) =>
    prepared<void>({
      run: () => firstView(s.page, s.server.url),
      inputs: { entries: ctx.entries, browser: 'chromium (headless)' },
      describe: async () => ({ domNodes: await s.domNodes(), totalShown: await s.page.getByTestId('total').textContent() }),
    }),
  ),
  webScenario('web.scroll-500k', 'web view: jump to about the 500,000th match → its row shown (one page fetched by offset)', '≤ 200 ms; DOM ≤ 2,000 nodes', async (s, ctx) => {
    await firstView(s.page, s.server.url);
    const total = Number((await s.page.getByTestId('total').textContent())!.replace(/,/g, ''));
    // Each run lands in a page not fetched yet (200 entries a page): a fresh fetch every time.
    let run = 0;
    const base = Math.min(500_000, Math.max(1, Math.floor(total / 2)));
    return prepared<number>({
      run: async () => {
        const n = Math.min(total, base + 200 * run++);
        await s.page.getByTestId('goto').fill(String(n));
        await s.page.getByTestId('goto').press('Enter');
        await s.page.locator(`.row[data-index="${n - 1}"][data-entry]`).waitFor();
        return n;
      },
      inputs: { entries: ctx.entries, matches: total, from: base },
      describe: async () => ({ domNodes: await s.domNodes(), rows: await s.page.locator('.row').count() }),
    });
  }),
];
