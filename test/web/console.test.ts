import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningConsole, startConsole } from '../../src/dev/console';
import type { MintOptions } from '../../src/dev/issuer';
import { type DevServer, startDevServer } from '../../src/dev/server';

/**
 * The console in a real browser: Debian's Chromium driven by playwright-core, against the production
 * build of web/ (`next start`) and the dev server (the shipped handlers on dynalite, local sign-in with
 * code + PKCE). Screenshots of each page are taken on every run; with UPDATE_SCREENSHOTS=1 they replace
 * the ones in docs/screenshots/ (referenced from docs/console.md), otherwise they go to a temp folder so a
 * test run leaves the working tree clean.
 */
const CHROMIUM = process.env.FASTISH_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? resolve(__dirname, '..', '..', 'docs', 'screenshots')
    : mkdtempSync(join(tmpdir(), 'fastish-screenshots-'));
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let server: DevServer;
let web: RunningConsole;
let context: BrowserContext;
let profileDir: string;
let consoleUrl: string;
const alphaItems: string[] = [];

interface ApiCall {
  status: number;
  body: Record<string, unknown>;
}

async function api(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers = {},
): Promise<ApiCall> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const tokenFor = (o: MintOptions) => server.mintToken(o);

/** Tenants alpha (11 items, an admin, a member, a viewer) and bravo (an admin, 1 item), made through the API. */
async function seed(): Promise<void> {
  const operator = await tokenFor({ tenantId: 'platform', role: 'operator' });
  for (const t of [
    { tenantId: 'alpha', name: 'Alpha Industries', tier: 'premium', adminEmail: 'admin@alpha.test' },
    { tenantId: 'bravo', name: 'Bravo Logistics', tier: 'standard', adminEmail: 'admin@bravo.test' },
  ]) {
    const res = await api(operator, 'POST', '/tenants', t);
    expect(res.status).toBe(201);
  }
  const alphaAdmin = [...server.directory.users.values()].find((u) => u.email === 'admin@alpha.test');
  const bravoAdmin = [...server.directory.users.values()].find((u) => u.email === 'admin@bravo.test');
  if (!alphaAdmin || !bravoAdmin) throw new Error('onboarding did not create the admins');
  const a = await tokenFor({ tenantId: 'alpha', role: 'admin', tier: 'premium', userId: alphaAdmin.userId });
  const b = await tokenFor({ tenantId: 'bravo', role: 'admin', tier: 'standard', userId: bravoAdmin.userId });
  for (const [email, role] of [
    ['member@alpha.test', 'member'],
    ['viewer@alpha.test', 'viewer'],
  ]) {
    expect((await api(a, 'POST', '/users', { email, role })).status).toBe(201);
  }
  for (let i = 1; i <= 11; i++) {
    const res = await api(a, 'POST', '/items', {
      name: `Alpha record ${String(i).padStart(2, '0')}`,
      description: i % 3 === 0 ? 'Shipped to the north warehouse' : undefined,
      attributes: { index: i, priority: i % 2 === 0 ? 'high' : 'normal' },
    });
    expect(res.status).toBe(201);
    alphaItems.push(String(res.body.id));
  }
  expect((await api(b, 'POST', '/items', { name: 'Bravo manifest' })).status).toBe(201);
  await server.flushStream();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. The console's browser tests need it and do not skip: ` +
        'install it with `apt-get install -y chromium` (CI does this in .ci/run), or set FASTISH_CHROMIUM.',
    );
  }
  const port = await freePort();
  consoleUrl = `http://127.0.0.1:${port}`;
  server = await startDevServer({ consoleOrigins: [consoleUrl] });
  // Build (when web/ changed since the last build) and seed at the same time.
  const [started] = await Promise.all([
    startConsole({
      apiUrl: server.url,
      port,
      skipTypecheck: true,
      log: (l) => process.stderr.write(`› ${l}\n`),
    }),
    seed(),
  ]);
  web = started;
  profileDir = mkdtempSync(join(tmpdir(), 'fastish-chromium-'));
  // A persistent context on a fresh profile directory; each test opens its own page, and the console keeps
  // tokens in sessionStorage (per page), so every page is a separate signed-in user.
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: DESKTOP,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15_000);
}, 360_000);

afterAll(async () => {
  await context?.close();
  await web?.stop();
  await server?.stop();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** Browser code as strings: the test project has no DOM types. */
const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';
const storeToken = (token: string) =>
  `sessionStorage.setItem('fastish.session', JSON.stringify({ idToken: ${JSON.stringify(token)} }))`;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The whole sign-in, as a person does it: console → sign-in page → local managed login → callback. */
async function signIn(page: Page, who: RegExp, landing = /\/items$/): Promise<void> {
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/signin/);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/oauth2\/authorize/);
  await page.getByRole('button', { name: who }).click();
  await page.waitForURL(landing);
}

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(DESKTOP);
  return page;
}

describe('console in Chromium', () => {
  it('an admin of tenant A signs in, creates an item and sees it', async () => {
    const page = await newPage();
    await page.goto(`${consoleUrl}/items`);
    await page.waitForURL(/\/signin\?next=%2Fitems/);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await shot(page, 'signin');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/oauth2\/authorize\?.*code_challenge_method=S256/);
    await shot(page, 'local-sign-in');
    await page.getByRole('button', { name: /admin@alpha\.test/ }).click();
    await page.waitForURL(/\/items$/);
    await expect(page.getByTestId('who-tenant').textContent()).resolves.toBe('alpha · admin');

    // Page 1 of 2 (10 per page, oldest first): the 11th seeded item is on page 2.
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'Alpha record 01', exact: true }).waitFor();
    expect(await table.getByRole('link', { name: 'Alpha record 11', exact: true }).count()).toBe(0);
    await shot(page, 'items');

    // Validation before sending: an empty name is explained next to the field.
    const create = page.getByRole('region', { name: 'Create an item' });
    await create.getByRole('button', { name: 'Create item' }).click();
    await expect(create.getByText('Enter a name.').isVisible()).resolves.toBe(true);
    await expect(create.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBe('true');

    await create.getByLabel('Name').fill('Quarterly report');
    await create.getByLabel('Description').fill('Numbers for Q3');
    await create.getByLabel('Attributes').fill('owner = finance\npages = 12');
    await create.getByRole('button', { name: 'Create item' }).click();
    await page.getByRole('status').filter({ hasText: 'Created “Quarterly report”.' }).waitFor();

    await page.getByRole('button', { name: 'Next page' }).click();
    await table.getByRole('link', { name: 'Quarterly report', exact: true }).waitFor();
    await expect(table.getByRole('link', { name: 'Alpha record 11', exact: true }).isVisible()).resolves.toBe(
      true,
    );
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    await table.getByRole('link', { name: 'Quarterly report', exact: true }).click();
    await page.waitForURL(/\/items\/[0-9A-Z]{26}$/);
    await page.getByRole('heading', { level: 1, name: 'Quarterly report' }).waitFor();
    await expect(page.getByLabel('Attributes').inputValue()).resolves.toBe('owner = finance\npages = 12');
    await shot(page, 'item-edit');
    await page.close();
  });

  it('shows a clear conflict message when someone else changed the item (412)', async () => {
    const page = await newPage();
    await signIn(page, /admin@alpha\.test/);
    const id = alphaItems[1] as string;
    await page.goto(`${consoleUrl}/items/${id}`);
    await expect(page.getByTestId('item-version').textContent()).resolves.toBe('1');
    // Meanwhile, another admin replaces it (version 1 → 2).
    const alphaAdmin = [...server.directory.users.values()].find((u) => u.email === 'admin@alpha.test');
    const other = await tokenFor({ tenantId: 'alpha', role: 'admin', userId: alphaAdmin?.userId as string });
    const res = await api(other, 'PUT', `/items/${id}`, { name: 'Renamed elsewhere' }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);

    await page.getByLabel('Name').fill('My rename');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    await expect(conflict.textContent()).resolves.toContain('This item was changed by someone else');
    await expect(conflict.getAttribute('role')).resolves.toBe('alert');
    await shot(page, 'item-conflict');
    await conflict.getByRole('button', { name: 'Load latest version' }).click();
    await page.getByTestId('item-version').filter({ hasText: '2' }).waitFor();
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Renamed elsewhere');
    // Saving on top of the latest version works.
    await page.getByLabel('Name').fill('My rename');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'is now at version 3' }).waitFor();
    await page.close();
  });

  it('a user of tenant B does not see tenant A’s items', async () => {
    const page = await newPage();
    await signIn(page, /admin@bravo\.test/);
    await expect(page.getByTestId('who-tenant').textContent()).resolves.toBe('bravo · admin');
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'Bravo manifest', exact: true }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('Quarterly report');
    expect(text).not.toContain('Alpha record');
    expect(await table.locator('tbody tr').count()).toBe(1);
    // A's item by its id: the API answers not found for tenant B.
    await page.goto(`${consoleUrl}/items/${alphaItems[0]}`);
    await page.getByRole('alert').filter({ hasText: 'no longer exists' }).waitFor();
    expect((await page.locator('main').textContent()) ?? '').not.toContain('Alpha record');
    await page.close();
  });

  it('a viewer cannot edit', async () => {
    const page = await newPage();
    await signIn(page, /viewer@alpha\.test/);
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'Alpha record 01', exact: true }).waitFor();
    await expect(
      page.getByText('Your role (viewer) can read items but not change them.').isVisible(),
    ).resolves.toBe(true);
    expect(await page.getByRole('region', { name: 'Create an item' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Edit/ }).count()).toBe(0);
    await table.getByRole('link', { name: 'Alpha record 01', exact: true }).click();
    await page.getByText('Your role (viewer) can read this item but not change it.').waitFor();
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    expect(await page.getByRole('textbox').count()).toBe(0);
    await page.close();
  });

  it('a member cannot open user administration', async () => {
    const page = await newPage();
    const userApiCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${server.url}/users`)) userApiCalls.push(r.url());
    });
    await signIn(page, /member@alpha\.test/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Items' }).isVisible()).resolves.toBe(true);
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Usage' }).count()).toBe(0);
    await page.goto(`${consoleUrl}/users`);
    const denied = page.getByTestId('access-denied');
    await denied.waitFor();
    await expect(denied.textContent()).resolves.toContain('Only tenant admins can manage users');
    expect(await page.getByRole('table').count()).toBe(0);
    expect(await page.getByLabel('E-mail').count()).toBe(0);
    expect(userApiCalls).toEqual([]);
    await shot(page, 'users-denied');
    // Members do create items.
    await page.goto(`${consoleUrl}/items`);
    await expect(page.getByRole('region', { name: 'Create an item' }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('an admin invites a user, changes their role and removes them', async () => {
    const page = await newPage();
    await signIn(page, /admin@alpha\.test/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(/\/users$/);
    await page
      .getByRole('cell', { name: 'member@alpha.test' })
      .or(page.getByText('member@alpha.test'))
      .first()
      .waitFor();
    const invite = page.getByRole('region', { name: 'Invite a user' });
    await invite.getByLabel('E-mail').fill('not-an-address');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await invite.getByText('Enter an e-mail address such as name@example.com.').waitFor();
    await invite.getByLabel('E-mail').fill('analyst@alpha.test');
    await invite.getByLabel('Role').selectOption('viewer');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('status').filter({ hasText: 'Invited analyst@alpha.test as viewer' }).waitFor();
    // Inviting the same address again: the API's conflict is shown.
    await invite.getByLabel('E-mail').fill('analyst@alpha.test');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await invite.getByRole('alert').filter({ hasText: 'A user with this e-mail exists' }).waitFor();

    await page.getByLabel('Role of analyst@alpha.test').selectOption('member');
    await page.getByRole('button', { name: 'Save role of analyst@alpha.test' }).click();
    await page.getByRole('status').filter({ hasText: 'analyst@alpha.test is now member' }).waitFor();
    expect([...server.directory.users.values()].find((u) => u.email === 'analyst@alpha.test')?.role).toBe(
      'member',
    );
    await shot(page, 'users');

    await page.getByRole('button', { name: 'Remove analyst@alpha.test' }).click();
    await page.getByRole('button', { name: 'Confirm remove' }).click();
    await page.getByRole('status').filter({ hasText: 'Removed analyst@alpha.test.' }).waitFor();
    expect([...server.directory.users.values()].some((u) => u.email === 'analyst@alpha.test')).toBe(false);
    await page.close();
  });

  it('usage shows requests and stored items per day as a chart', async () => {
    await server.flushStream();
    // Request counts are the usage plans' (the gateway's), collected into the usage days as in AWS.
    await server.collectUsage();
    const page = await newPage();
    await signIn(page, /admin@alpha\.test/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    const chart = page.getByRole('img', { name: /Requests and stored items per day/ });
    await chart.waitFor();
    expect(await chart.locator('rect.bar').count()).toBe(14);
    const total = Number(await page.getByTestId('total-requests').textContent());
    expect(total).toBeGreaterThan(11);
    await shot(page, 'usage');
    await page.close();
  });

  it('a platform operator onboards and suspends a tenant; its users are refused', async () => {
    const page = await newPage();
    await signIn(page, /^Operator/, /\/tenants$/);
    await expect(page.getByTestId('who-tenant').textContent()).resolves.toBe('Platform operator');
    const onboard = page.getByRole('region', { name: 'Onboard a tenant' });
    await onboard.getByLabel('Organization name').fill('Charlie Foods');
    await onboard.getByLabel('Tenant id (optional)').fill('charlie');
    await onboard.getByLabel('Tier').selectOption('standard');
    await onboard.getByLabel('First admin’s e-mail').fill('admin@charlie.test');
    await onboard.getByRole('button', { name: 'Onboard tenant' }).click();
    await page.getByRole('status').filter({ hasText: 'Onboarded Charlie Foods (charlie)' }).waitFor();
    const card = page.getByTestId('tenant-card');
    await card.getByText('active').waitFor();
    await card.getByRole('button', { name: 'Suspend' }).click();
    await card.getByText('suspended', { exact: true }).waitFor();
    await shot(page, 'tenants');

    const tenantUser = await newPage();
    await signIn(tenantUser, /admin@charlie\.test/);
    await tenantUser.getByRole('alert').filter({ hasText: 'access is suspended' }).waitFor();
    await tenantUser.close();

    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByText('active', { exact: true }).waitFor();
    await page.close();
  });

  it('an expired session goes back to sign-in', async () => {
    const page = await newPage();
    await signIn(page, /admin@alpha\.test/);
    await page.getByRole('table').waitFor();
    // The stored token expired (exp in the past): the console leaves without calling the API.
    const expired = await tokenFor({ tenantId: 'alpha', role: 'admin', expiresInSeconds: -120 });
    await page.evaluate(storeToken(expired));
    await page.goto(`${consoleUrl}/items`);
    await page.waitForURL(/\/signin\?reason=expired/);
    await page.getByText('Your session has expired. Sign in again to continue.').waitFor();
    await shot(page, 'session-expired');

    // A token the API refuses (401) while the page is open, e.g. revoked or from another issuer: same outcome.
    await signIn(page, /admin@alpha\.test/);
    await page.getByRole('table').waitFor();
    const forged = await tokenFor({
      tenantId: 'alpha',
      role: 'admin',
      claims: { iss: 'https://elsewhere.example' },
    });
    await page.evaluate(storeToken(forged));
    await page.reload(); // the page loads the items with the refused token

    await page.waitForURL(/\/signin\?reason=expired/);
    // Signing in again returns to where the user was going.
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: /admin@alpha\.test/ }).click();
    await page.waitForURL(/\/items$/);
    await page.close();
  });

  it('works on a phone-sized viewport', async () => {
    const page = await context.newPage();
    await page.setViewportSize(PHONE);
    await signIn(page, /admin@alpha\.test/);
    await page.getByRole('link', { name: 'Alpha record 01', exact: true }).waitFor();
    const overflow = await page.evaluate<number>(HORIZONTAL_OVERFLOW);
    expect(overflow).toBeLessThanOrEqual(0);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Items', 'Users', 'Usage']) {
      const box = await nav.getByRole('link', { name }).boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44); // touch target
    }
    const nameField = page.getByLabel('Name');
    const field = await nameField.boundingBox();
    expect((field?.x ?? 0) + (field?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'items-phone');
    await page.goto(`${consoleUrl}/usage`);
    await page.getByRole('img', { name: /Requests and stored items per day/ }).waitFor();
    expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
    await shot(page, 'usage-phone');
    await page.close();
  });

  it('can be used with the keyboard only', async () => {
    const page = await newPage();
    /** What has focus: tag, text, its label, outline style (browser code as a string: no DOM types here). */
    const focused = () =>
      page.evaluate<{ tag: string; text: string; label: string; outline: string }>(`(() => {
        const el = document.activeElement;
        return {
          tag: el ? el.tagName : '',
          text: (el && el.textContent ? el.textContent : '').trim(),
          label: el && el.id ? (document.querySelector('label[for="' + el.id + '"]')?.textContent ?? '') : '',
          outline: el ? getComputedStyle(el).outlineStyle : '',
        };
      })()`);
    async function tabTo(match: (f: Awaited<ReturnType<typeof focused>>) => boolean, limit = 40) {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        if (match(f)) return f;
      }
      throw new Error('could not reach the element with Tab');
    }
    await page.goto(`${consoleUrl}/signin`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const first = await tabTo(() => true, 1);
    expect(first.text).toBe('Skip to content');
    const signInButton = await tabTo((f) => f.tag === 'BUTTON' && f.text === 'Sign in');
    expect(signInButton.outline).not.toBe('none'); // visible focus
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/oauth2\/authorize/);
    await tabTo((f) => f.tag === 'BUTTON' && f.text.startsWith('member@alpha.test'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/items$/);
    await page.getByRole('table').waitFor();
    await tabTo((f) => f.tag === 'INPUT' && f.label === 'Name', 80);
    await page.keyboard.type('Typed with the keyboard');
    await page.keyboard.press('Enter'); // submits the form
    await page.getByRole('status').filter({ hasText: 'Created “Typed with the keyboard”.' }).waitFor();
    // Delete from the list: the confirmation takes focus, Enter confirms.
    await page.getByRole('button', { name: 'Next page' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Typed with the keyboard', exact: true }).waitFor();
    await tabTo((f) => f.tag === 'BUTTON' && f.text === 'Delete Typed with the keyboard', 80);
    await page.keyboard.press('Enter');
    expect((await focused()).text).toBe('Confirm delete');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Deleted “Typed with the keyboard”.' }).waitFor();
    await page.close();
  });
});
