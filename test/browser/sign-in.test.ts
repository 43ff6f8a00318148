import { describe, expect, it } from 'vitest';
import { screenshot, signIn, type Account, type OpenPage, browserSession } from './support/browser.ts';
import { cityTree, gridsOf } from './support/city.ts';

const session = browserSession();
let open: OpenPage;

async function signedIn(account: Account) {
  open = await session.open();
  await signIn(open.page, account);
  return open.page;
}

describe('sign-in lands each role on its own area', () => {
  const cases: Array<{ account: Account; path: string; screen: string; shot?: string }> = [
    { account: { kind: 'staff', username: 'admin' }, path: '/command', screen: 'screen-command' },
    { account: { kind: 'staff', username: 'city.officer' }, path: '/command', screen: 'screen-command' },
    { account: { kind: 'staff', username: 'health' }, path: '/health', screen: 'screen-health', shot: 'health' },
    {
      account: { kind: 'staff', username: 'auditor' },
      path: '/oversight',
      screen: 'screen-oversight',
      shot: 'oversight',
    },
    { account: { kind: 'staff', username: 'verifier' }, path: '/checkpoint', screen: 'screen-checkpoint' },
    { account: { kind: 'staff', username: 'lab' }, path: '/lab', screen: 'screen-lab' },
    { account: { kind: 'staff', username: 'venue' }, path: '/venue', screen: 'screen-venue' },
    { account: { kind: 'resident', phone: '13800000001' }, path: '/resident', screen: 'screen-resident' },
  ];
  for (const c of cases) {
    const who = c.account.kind === 'staff' ? c.account.username : c.account.phone;
    it(`${who} → ${c.path}`, async () => {
      const page = await signedIn(c.account);
      await page.getByTestId(c.screen).waitFor();
      expect(new URL(page.url()).pathname).toBe(c.path);
      if (c.shot) await screenshot(page, c.shot);
    });
  }

  it('officers scoped below the city land on the command center at their own jurisdiction', async () => {
    const { chain } = await cityTree();
    const district = chain[1];
    if (!district) throw new Error('the seeded city has no district');
    const page = await signedIn({ kind: 'staff', username: `district.${district.id}` });
    await page.locator(`[data-testid=command-map][data-focus="${district.id}"]`).waitFor();
    expect(new URL(page.url()).pathname).toBe('/command');
    await expect(page.getByTestId('breadcrumb').textContent()).resolves.toContain(district.properties.name.en);
  });

  it('a grid worker lands on grid work and sees the grid assigned to them', async () => {
    const { community } = await cityTree();
    const [grid] = await gridsOf(community.id);
    if (!grid) throw new Error('the seeded community has no grids');
    const page = await signedIn({ kind: 'staff', username: `worker.${grid.properties.code}` });
    await page.getByTestId('screen-worker').waitFor();
    expect(new URL(page.url()).pathname).toBe('/worker');
    await page.locator(`[data-testid=my-grids] [data-grid="${grid.properties.code}"]`).waitFor();
  });
});

describe('sign-in errors, guards and sign-out', () => {
  it('a wrong password shows the problem and stays on the form', async () => {
    open = await session.open();
    const { page } = open;
    await signIn(page, { kind: 'staff', username: 'admin' }, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Unknown username or wrong password');
    expect(await page.locator('input[name=username]').inputValue()).toBe('admin');
    // The browser reported the 401 as a console error; that is the API answering, not the app failing.
    open.errors.length = 0;
  });

  it('signs in with the keyboard alone', async () => {
    open = await session.open();
    const { page } = open;
    await page.goto('/');
    await page.getByTestId('sign-in-tab-staff').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('sign-in-tab-resident').getAttribute('aria-selected')).resolves.toBe('true');
    await page.keyboard.press('Tab');
    await page.keyboard.type('13800000002');
    await page.keyboard.press('Tab');
    await page.keyboard.type('tessera-demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-resident').waitFor();
  });

  it('a resident who opens the command center is told it is not theirs', async () => {
    const page = await signedIn({ kind: 'resident', phone: '13800000003' });
    await page.getByTestId('screen-resident').waitFor();
    await page.goto('/command');
    await page.getByTestId('not-your-area').waitFor();
    expect(await page.locator('[data-testid=command-map]').count()).toBe(0);
  });

  it('returns to the page asked for before signing in, and sign-out ends the session', async () => {
    const { chain } = await cityTree();
    const target = chain[1];
    if (!target) throw new Error('the seeded city has no district');
    open = await session.open();
    const { page } = open;
    await page.goto(`/command/${target.id}`);
    await signIn(page, { kind: 'staff', username: 'admin' });
    await page.locator(`[data-testid=command-map][data-focus="${target.id}"]`).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/command/${target.id}`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name=username]').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('tessera.session'))).toBeNull();
    await page.goto('/command');
    await page.locator('input[name=username]').waitFor();
  });

  it('an officer cannot browse above their own jurisdiction', async () => {
    const { city, chain } = await cityTree();
    const district = chain[1];
    if (!district) throw new Error('the seeded city has no district');
    const page = await signedIn({ kind: 'staff', username: `district.${district.id}` });
    await page.locator(`[data-testid=command-map][data-rendered="${district.id}"]`).waitFor();
    await page.goto(`/command/${city.id}`);
    await page.getByRole('link', { name: 'Back to my jurisdiction' }).waitFor();
    expect(await page.locator('[data-testid=command-map]').getAttribute('data-focus')).toBe('');
    expect(await page.getByTestId('breadcrumb').count()).toBe(0);
    expect(await page.getByTestId('area-list').count()).toBe(0);
  });

  it('a session the server no longer accepts ends with an explanation', async () => {
    const page = await signedIn({ kind: 'resident', phone: '13800000006' });
    await page.getByTestId('screen-resident').waitFor();
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('tessera.session') ?? '{}') as { token: string };
      sessionStorage.setItem('tessera.session', JSON.stringify({ ...s, token: 'ses_revoked' }));
    });
    await page.reload();
    await page.locator('input[name=username]').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Your session has ended');
    expect(await page.evaluate(() => sessionStorage.getItem('tessera.session'))).toBeNull();
    open?.errors.splice(0); // the browser logs the API's 401 as a console error
  });
});
