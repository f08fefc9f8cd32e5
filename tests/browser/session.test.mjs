// Entering the portal: the session link, its cookie, and the pages for unknown and expired sessions. The
// lifetimes are enforced by the server's clock: the expired cases reuse the very cookie that worked before.

import assert from 'node:assert/strict';
import {
  PORTICO_URL, RETURN_URL, SHORT_LIFETIME_SECS, checkAccessibility, checkFraming, customer, matrix, portalSession,
  screenshot, shortLived, wait,
} from './support.mjs';

const COOKIE = 'portico_portal';

/** A plain HTTP request outside the browser, carrying only the given cookie. */
async function fetchWithCookie(url, cookie) {
  return fetch(url, { headers: { cookie: `${cookie.name}=${cookie.value}` }, redirect: 'manual' });
}

async function expectExpiredPage(page, response) {
  assert.equal(response.status(), 410);
  await page.locator('[data-test="session-expired"]').waitFor();
  assert.equal(await page.locator('[data-test="return"]').getAttribute('href'), RETURN_URL);
  await checkFraming(response);
}

matrix('opening a session link lands on the home page with an HttpOnly, SameSite=Lax cookie', async ({ context, page }) => {
  const jenny = await customer({ name: 'Jenny Rosen' });
  const session = await portalSession(jenny);
  const secret = session.url.split('/').pop();

  const response = await page.goto(session.url);
  assert.equal(response.status(), 200);
  assert.equal(page.url(), `${PORTICO_URL}/p/`);
  assert.ok(!page.url().includes(secret), 'the secret left the address bar');
  assert.equal(await page.locator('[data-test="name"]').textContent(), 'Jenny Rosen');
  await checkFraming(response);

  const cookies = (await context.cookies()).filter((c) => c.name === COOKIE);
  assert.equal(cookies.length, 1);
  assert.equal(cookies[0].httpOnly, true);
  assert.equal(cookies[0].sameSite, 'Lax');
  assert.equal(cookies[0].path, '/p/');
  assert.notEqual(cookies[0].value, secret, 'the cookie carries a token of its own');

  await checkAccessibility(page);
  await screenshot(page, 'home');
});

matrix('an unknown link or no cookie shows the unknown-link page (401)', async ({ page }) => {
  for (const [url, name] of [[`${PORTICO_URL}/p/session/test_never_issued`, 'session-unknown'], [`${PORTICO_URL}/p/`, 'no-cookie']]) {
    const response = await page.goto(url);
    assert.equal(response.status(), 401, url);
    await page.locator('[data-test="session-unknown"]').waitFor();
    await checkFraming(response);
    await checkAccessibility(page);
    await screenshot(page, name);
  }
});

matrix('a link never opened within its lifetime shows the expired page', async ({ page }) => {
  assert.ok(shortLived, 'PORTICO_SHORT_URL is not set: scripts/browser-tests starts that server');
  const session = await shortLived.portalSession(await shortLived.customer());
  await wait(SHORT_LIFETIME_SECS + 1);

  const response = await page.goto(session.url);
  await expectExpiredPage(page, response);
  assert.ok(page.url().startsWith(`${shortLived.url}/p/session/`), 'no redirect to the portal');
  await checkAccessibility(page);
  await screenshot(page, 'expired-unused');
}, { concurrency: true });

matrix('an opened session left idle past its lifetime shows the expired page', async ({ context, page }) => {
  assert.ok(shortLived, 'PORTICO_SHORT_URL is not set: scripts/browser-tests starts that server');
  const session = await shortLived.portalSession(await shortLived.customer({ name: 'Idle Ida' }));
  const opened = await page.goto(session.url);
  assert.equal(opened.status(), 200);
  assert.equal(await page.locator('[data-test="name"]').textContent(), 'Idle Ida');
  const [cookie] = (await context.cookies()).filter((c) => c.name === COOKIE);
  const home = `${shortLived.url}/p/`;
  assert.equal((await fetchWithCookie(home, cookie)).status, 200, 'the cookie works outside the browser');

  await wait(SHORT_LIFETIME_SECS + 1);

  // The same cookie, sent by plain HTTP: only the server's clock can have ended the session.
  const late = await fetchWithCookie(home, cookie);
  assert.equal(late.status, 410);
  assert.match(late.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(late.headers.get('x-frame-options'), 'DENY');
  const [kept] = (await context.cookies()).filter((c) => c.name === COOKIE);
  assert.equal(kept?.value, cookie.value, 'the browser still holds the cookie');

  const response = await page.goto(home);
  await expectExpiredPage(page, response);
  await checkAccessibility(page);
  await screenshot(page, 'expired-idle');
}, { concurrency: true });

matrix('an expired session that allows signing in again links to the login page, which says it is not there yet', async ({ page }) => {
  assert.ok(shortLived, 'PORTICO_SHORT_URL is not set: scripts/browser-tests starts that server');
  const configuration = await shortLived.api('POST', '/v1/billing_portal/configurations', {
    features: { invoice_history: { enabled: true } },
    login_page: { enabled: true },
  });
  const session = await shortLived.portalSession(await shortLived.customer({ name: 'Login Lena' }), {
    configuration: configuration.id,
    after_expiration: { type: 'customer_login' },
  });
  await wait(SHORT_LIFETIME_SECS + 1);

  const response = await page.goto(session.url);
  await expectExpiredPage(page, response);
  const login = page.locator('[data-test="login"]');
  assert.equal(await login.getAttribute('href'), configuration.login_page.url);
  await checkAccessibility(page);
  await screenshot(page, 'expired-with-login');

  const [answer] = await Promise.all([page.waitForNavigation(), login.click()]);
  assert.equal(answer.status(), 501);
  await page.locator('[data-test="sign-in-unavailable"]').waitFor();
  await checkFraming(answer);
  await checkAccessibility(page);
  await screenshot(page, 'login-page');
}, { concurrency: true });
