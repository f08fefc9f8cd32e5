// The payment-methods pages in a real browser, with and without JavaScript, on a desktop and a phone: the list
// and its default, the card form with its errors and a decline, the test 3-D Secure page, the keep-one refusal,
// and the pages in Japanese. Each page is audited with axe and photographed.

import assert from 'node:assert/strict';
import {
  api, cardPaymentMethod, checkAccessibility, checkFraming, customer, matrix, portalSession, recurringPrice,
  screenshot, subscription,
} from './support.mjs';

const LIST = '/p/payment-methods';

/** Opens a portal session of `who` and goes to `path` inside it. */
async function enter(page, who, path, params = {}) {
  const session = await portalSession(who, params);
  await page.goto(session.url);
  const response = await page.goto(new URL(path, session.url).href);
  await checkFraming(response);
  return response;
}

/** Submits a form by its button and waits for the page it leads to. */
async function press(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
}

async function fillCard(page, { name = 'Jenny Rosen', number, expiry = '12/34', cvc = '123', postal = '94110' }) {
  await page.getByLabel('Name on card').fill(name);
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry date').fill(expiry);
  await page.getByLabel('Security code').fill(cvc);
  await page.getByLabel('Postal code (optional)').fill(postal);
}

const row = (page, id) => page.locator(`[data-test="payment-method"][data-id="${id}"]`);

matrix('the list marks the default card and makes another card the default', async ({ page }) => {
  const jenny = await customer();
  const visa = await cardPaymentMethod(jenny, 'pm_card_visa');
  const mastercard = await api('POST', '/v1/payment_methods/pm_card_mastercard/attach', { customer: jenny.id });

  const response = await enter(page, jenny, LIST);
  assert.equal(response.status(), 200);
  await row(page, visa.id).locator('[data-test="default"]').waitFor();
  assert.equal(await row(page, visa.id).locator('[data-test="make-default"]').count(), 0);
  assert.match(await row(page, mastercard.id).locator('[data-test="label"]').textContent(), /Mastercard •••• 4444/);
  await checkAccessibility(page);
  await screenshot(page, 'payment-methods');

  await press(page, `[data-id="${mastercard.id}"] [data-test="make-default"]`);
  await page.locator('[data-test="notice"]').waitFor();
  await row(page, mastercard.id).locator('[data-test="default"]').waitFor();
  const updated = await api('GET', `/v1/customers/${jenny.id}`);
  assert.equal(updated.invoice_settings.default_payment_method, mastercard.id);
});

matrix('a card is added after its mistakes and a decline are shown beside their fields', async ({ page }) => {
  const jenny = await customer();
  await enter(page, jenny, LIST);
  await press(page, '[data-test="add-payment-method"]');
  assert.equal(new URL(page.url()).pathname, '/p/payment-methods/new');
  await page.locator('[data-test="test-mode"]').waitFor();
  await checkAccessibility(page);
  await screenshot(page, 'payment-methods-new');

  await fillCard(page, { number: '4242 4242 4242 4241', expiry: '01/20', cvc: '12' });
  await press(page, '[data-test="save-card"]');
  for (const field of ['number', 'expiry', 'cvc']) {
    await page.locator(`[data-test="${field}-error"]`).waitFor();
    assert.equal(await page.locator(`[name="${field}"]`).getAttribute('aria-invalid'), 'true');
  }
  assert.equal(await page.getByLabel('Name on card').inputValue(), 'Jenny Rosen');
  assert.equal(await page.getByLabel('Card number').inputValue(), '', 'the number is never shown back');
  await checkAccessibility(page);
  await screenshot(page, 'payment-methods-new-errors');

  await fillCard(page, { number: '4000 0000 0000 9995' });
  await press(page, '[data-test="save-card"]');
  assert.match(await page.locator('[data-test="number-error"]').textContent(), /insufficient funds/);
  await screenshot(page, 'payment-methods-new-declined');

  await fillCard(page, { number: '4242 4242 4242 4242' });
  await press(page, '[data-test="save-card"]');
  await page.locator('[data-test="notice"]').waitFor();
  assert.equal(new URL(page.url()).pathname, LIST);
  const methods = await api('GET', `/v1/customers/${jenny.id}/payment_methods`);
  assert.equal(methods.data.length, 1);
  assert.equal(methods.data[0].card.last4, '4242');
  await row(page, methods.data[0].id).locator('[data-test="default"]').waitFor();
  await screenshot(page, 'payment-methods-added');
});

matrix('a card asking for 3-D Secure is added once the test challenge is completed', async ({ page }) => {
  const jenny = await customer();
  await enter(page, jenny, '/p/payment-methods/new');
  await fillCard(page, { number: '4000 0025 0000 3155' });
  await press(page, '[data-test="save-card"]');
  assert.match(new URL(page.url()).pathname, /^\/p\/payment-methods\/authenticate\/seti_/);
  await page.locator('[data-test="test-page"]').waitFor();
  assert.match(await page.locator('[data-test="card"]').textContent(), /3155/);
  await checkAccessibility(page);
  await screenshot(page, 'payment-methods-authenticate');

  await press(page, '[data-test="complete"]');
  await page.locator('[data-test="notice"]').waitFor();
  const methods = await api('GET', `/v1/customers/${jenny.id}/payment_methods`);
  assert.equal(methods.data[0].card.last4, '3155');
});

matrix('removing the only card a subscription charges is refused in plain words', async ({ page }) => {
  const jenny = await customer();
  const visa = await cardPaymentMethod(jenny, 'pm_card_visa');
  await subscription(jenny, [await recurringPrice()]);
  await enter(page, jenny, LIST);
  await press(page, `[data-id="${visa.id}"] [data-test="remove"]`);
  await page.locator('[data-test="refusal"]').waitFor();
  await row(page, visa.id).waitFor();
  const methods = await api('GET', `/v1/customers/${jenny.id}/payment_methods`);
  assert.equal(methods.data.length, 1);
  await checkAccessibility(page);
  await screenshot(page, 'payment-methods-keep-one');
});

matrix('the pages speak Japanese when the session asks for it', async ({ page }) => {
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  await enter(page, jenny, LIST, { locale: 'ja' });
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.locator('h1').textContent(), '支払い方法');
  await checkAccessibility(page);
  await screenshot(page, 'payment-methods-ja');

  await press(page, '[data-test="add-payment-method"]');
  await press(page, '[data-test="save-card"]');
  assert.equal(await page.locator('[data-test="number-error"]').textContent(), 'カード番号を入力してください。');
  await checkAccessibility(page);
  await screenshot(page, 'payment-methods-new-ja');
});
