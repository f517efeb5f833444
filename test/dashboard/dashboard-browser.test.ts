import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardFixture, chromiumInstalled, launchChromium, startDashboardFixture } from './fixture.js';

/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core. Where Chromium is not installed the suite says so and
 * skips, except in CI (CI=true), which installs it: there a missing browser fails the run.
 */
const available = chromiumInstalled();
if (!available && process.env['CI'] !== 'true') {
  console.warn('dashboard browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');
}

describe.skipIf(!available && process.env['CI'] !== 'true')('the dashboard in Chromium', () => {
  let fixture: DashboardFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fixture = await startDashboardFixture();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(fixture.endpoint.dashboardUrl!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('lists the users and credentials created through the SDK', async () => {
    const accounts = page.locator('#accounts');
    await expect.poll(() => accounts.textContent(), { timeout: 5000 }).toContain('alice-at-123456789012');
    const text = (await accounts.textContent()) ?? '';
    expect(text).toContain('Account 123456789012');
    expect(text).toContain('alice');
    expect(text).toContain('bob');
    // Two CodeCommit passwords of one family, the second with its +1 suffix; bob's Keyspaces password Inactive.
    expect(text).toContain('alice+1-at-123456789012');
    expect(await page.locator('#accounts tr', { hasText: 'alice+1-at-123456789012' }).locator('td[data-label="Family"]').textContent()).toBe(
      'alice-at-123456789012',
    );
    expect(await page.locator('#accounts tr', { hasText: 'cassandra.amazonaws.com' }).locator('.badge').textContent()).toBe('Inactive');
  });

  it("shows each user's access keys, groups and policies, whose documents open", async () => {
    const accounts = page.locator('#accounts');
    await expect.poll(() => accounts.textContent(), { timeout: 5000 }).toContain('IAMSelfManageServiceSpecificCredentials');
    const text = (await accounts.textContent()) ?? '';
    expect(text).toMatch(/Access keys: AKIA[A-Z0-9]{16} Active/);
    expect(text).toContain('Groups: developers');
    const inline = page.locator('details.policy', { hasText: 'no-codecommit' });
    expect(await inline.locator('pre').isVisible()).toBe(false);
    await inline.locator('summary').click();
    await expect.poll(() => inline.locator('pre').isVisible()).toBe(true);
    expect(await inline.locator('pre').textContent()).toContain('"Sid": "NoCodeCommitPasswords"');
    // Still open after the next refreshes.
    await page.waitForTimeout(1500);
    expect(await page.locator('details.policy', { hasText: 'no-codecommit' }).locator('pre').isVisible()).toBe(true);
    const managed = page.locator('details.policy', { hasText: 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials' });
    await managed.locator('summary').click();
    await expect.poll(() => managed.locator('pre').textContent()).toContain('iam:CreateServiceSpecificCredential');
    expect(await page.locator('details.policy', { hasText: 'read-users' }).count()).toBe(1);
  });

  it('shows a refused git login with its reason within 2 s, without a reload', async () => {
    let reloaded = false;
    page.once('load', () => (reloaded = true));
    await fixture.refusedGitLogin('alice-at-123456789012');
    const row = page.locator('#logins tr', { hasText: 'refused' }).filter({ hasText: 'alice-at-123456789012' });
    await row.first().waitFor({ timeout: 2000 });
    const text = (await row.first().textContent()) ?? '';
    expect(text).toContain('git');
    expect(text).toMatch(/wrong|secret|password/i);
    expect(reloaded).toBe(false);
  });

  it('shows an expired Bedrock key as expired once its day has passed', async () => {
    const bedrockBadge = page.locator('#accounts tr', { hasText: 'bedrock.amazonaws.com' }).locator('.badge');
    await expect.poll(() => bedrockBadge.textContent(), { timeout: 5000 }).toBe('Active, expiring');
    fixture.clock.advance(2 * 24 * 60 * 60 * 1000);
    await expect.poll(() => bedrockBadge.textContent(), { timeout: 5000 }).toBe('Expired');
    expect(await page.locator('#accounts tr', { hasText: 'bedrock.amazonaws.com' }).locator('td[data-label="Expires"]').textContent()).toMatch(
      /expired .* ago/,
    );
  });

  it('never puts a secret in the DOM', async () => {
    await fixture.acceptedGitLogin();
    await page.locator('#logins tr', { hasText: 'accepted' }).first().waitFor({ timeout: 5000 });
    const html = await page.content();
    expect(fixture.secrets.length).toBeGreaterThanOrEqual(5);
    for (const secret of fixture.secrets) expect(html).not.toContain(secret);
  });

  it.each([1280, 390])('fits a %i px wide window without sideways scrolling', async (width) => {
    await page.setViewportSize({ width, height: 900 });
    await page.locator('#accounts tbody tr').first().waitFor();
    // A string: this project's typecheck has no DOM library, the browser evaluates it.
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('h1').isVisible()).toBe(true);
    expect(await page.locator('#accounts tbody tr').first().isVisible()).toBe(true);
  });
});
