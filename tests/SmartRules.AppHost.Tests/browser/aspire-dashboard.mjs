// Walks the Aspire dashboard in headless Chromium (Debian's package; Playwright's own browsers cannot be downloaded
// here) and saves a screenshot of each step:
//   1. resources.png  the Resources page: PostgreSQL and every silo replica Running
//   2. trace.png      the PUT's trace: HTTP -> grain calls -> the "customers write" span, whose backlink is the batch
//   3. batch.png      the group-commit batch's own trace (CustomerWriteBatcher), down to its Npgsql span
//   4. demo.png       the demo load, started from its row (it waits for the operator), Running
//   5. metrics.png    the silos' smartrules.customer.updates metric
// Usage: node aspire-dashboard.mjs <login url with its token> <trace id of the PUT> <silo replica count> <output folder>
import { chromium } from 'playwright-core';

const [login, traceId, replicas, out] = process.argv.slice(2);
const origin = new URL(login).origin;
const timeout = 60000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const step = async (name, action) => {
  try {
    await action();
    console.log('ok: ' + name);
  } finally {
    await page.screenshot({ path: `${out}/${name}.png` });
  }
};
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
try {
  await step('resources', async () => {
    await page.goto(login, { waitUntil: 'domcontentloaded' });
    const grid = page.locator('fluent-data-grid, table, [role="grid"]').first();
    await grid.waitFor({ timeout });
    const running = (name) => page.getByRole('row').filter({ hasText: name }).filter({ hasText: 'Running' });
    await running('postgres').first().waitFor({ timeout });
    await page.waitForFunction(
      (count) => [...document.querySelectorAll('[role="row"]')].filter(r => /silo-/.test(r.textContent) && /Running/.test(r.textContent)).length >= count,
      Number(replicas), { timeout });
  });

  await step('trace', async () => {
    await page.goto(`${origin}/traces/detail/${traceId}`, { waitUntil: 'domcontentloaded' });
    await page.getByText('PUT /api/customers/{id}').first().waitFor({ timeout });
    await page.getByText('ICustomerGrain/ApplyAsync').first().waitFor({ timeout });
    await page.getByText('customers write', { exact: true }).first().click();
    const backlink = page.getByText(/CustomerWriteBatcher/).first();
    await backlink.waitFor({ timeout });
    await backlink.scrollIntoViewIfNeeded();
  });

  await step('batch', async () => {
    await page.getByRole('row').filter({ hasText: 'CustomerWriteBatcher' }).locator('fluent-button').first().click();
    await page.waitForURL(url => !url.pathname.endsWith(traceId), { timeout });
    await page.getByText('CustomerWriteBatcher').first().waitFor({ timeout });
    await page.getByText(/^postgresql/).first().waitFor({ timeout });
  });

  await step('demo', async () => {
    await page.goto(login, { waitUntil: 'domcontentloaded' });
    const demo = page.getByRole('row').filter({ hasText: 'demo' }).first();
    await demo.filter({ hasText: 'Not started' }).waitFor({ timeout });
    await demo.locator('fluent-button[title="Start resource"]').click();
    await page.getByRole('row').filter({ hasText: 'demo' }).filter({ hasText: 'Running' }).first().waitFor({ timeout: 2 * timeout });
    await page.waitForTimeout(5000); // a few batches of updates for the metric
  });

  await step('metrics', async () => {
    await page.goto(`${origin}/metrics/resource/silo?meter=SmartRules&instrument=smartrules.customer.updates&duration=5`, { waitUntil: 'domcontentloaded' });
    await page.getByText('smartrules.customer.updates').first().waitFor({ timeout });
    await page.getByText('Customer updates by outcome').first().waitFor({ timeout });
    await page.getByText('outcome', { exact: true }).first().waitFor({ timeout }); // the first values have arrived
    await page.waitForTimeout(2000); // the chart draws them
  });
} finally {
  await browser.close();
}
