// Opens the Orleans dashboard in headless Chromium (Debian's package; Playwright's own browsers cannot be downloaded
// here), signs in with HTTP Basic, opens the Grains page, waits until the grain type is shown, and saves a screenshot.
// Usage: node dashboard.mjs <dashboard url> <admin key> <text to wait for> <screenshot.png>
import { chromium } from 'playwright-core';

const [url, password, expected, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ httpCredentials: { username: 'operator', password }, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.getByText('Overview').first().waitFor({ timeout: 30000 });
  await page.getByRole('link', { name: 'Grains', exact: true }).click();
  try {
    await page.getByText(expected).first().waitFor({ timeout: 45000 });
  } finally {
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  console.log('dashboard shows ' + expected);
} finally {
  await browser.close();
}
