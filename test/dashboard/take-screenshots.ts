/**
 * `npm run dashboard:screenshots`: the screenshots of docs/dashboard.md, made from the same fixture as the browser tests (an endpoint
 * with users and credentials made through the SDK, a refused and an accepted git login, an expired Bedrock key), at 1280 and 390 px.
 */
import { join } from 'node:path';
import { launchChromium, startDashboardFixture } from './fixture.js';

const out = join(import.meta.dirname, '../../docs/images');
const fixture = await startDashboardFixture();
const browser = await launchChromium();
try {
  await fixture.refusedGitLogin('alice-at-123456789012');
  await fixture.acceptedGitLogin();
  await fixture.refusedGitLogin('mallory-at-123456789012');
  fixture.clock.advance(2 * 24 * 60 * 60 * 1000);
  for (const [width, name] of [
    [1280, 'dashboard.png'],
    [390, 'dashboard-narrow.png'],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: 'light' });
    await page.goto(fixture.endpoint.dashboardUrl!);
    await page.locator('#logins tr', { hasText: 'mallory' }).first().waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(out, name), fullPage: true });
    await page.close();
    console.log(`wrote docs/images/${name}`);
  }
} finally {
  await browser.close();
  await fixture.close();
}
