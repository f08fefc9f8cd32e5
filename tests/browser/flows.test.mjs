// The two deep links that are not about a subscription, in a real browser on a desktop and a phone with and
// without JavaScript: `payment_method_update` (ends on the hosted confirmation with the merchant's message)
// and `customer_update` (ends with a redirect to the merchant). Both open straight into their task.

import assert from 'node:assert/strict';
import {
  PORTICO_URL, api, cardPaymentMethod, checkAccessibility, checkFraming, customer, matrix, portalSession, screenshot,
} from './support.mjs';

async function press(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
}

matrix('a payment_method_update deep link adds a card, makes it the default and confirms with the message', async ({ page }) => {
  const who = await customer({ name: 'Jenny Rosen' });
  await cardPaymentMethod(who, 'pm_card_mastercard');
  const session = await portalSession(who, {
    flow_data: {
      type: 'payment_method_update',
      after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'Thanks, your card is on file.' } },
    },
  });
  const response = await page.goto(session.url);
  await checkFraming(response);
  assert.equal(new URL(page.url()).pathname, '/p/payment-methods/new', 'straight into the task');
  assert.equal(await page.locator('a[href$="/p/"]').count(), 0, 'no way to the rest of the portal');
  await checkAccessibility(page);
  await screenshot(page, 'flow-payment-method-update');
  await page.getByLabel('Name on card').fill('Jenny Rosen');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry date').fill('12/34');
  await page.getByLabel('Security code').fill('123');
  await press(page, '[data-test="save-card"]');
  assert.equal(new URL(page.url()).pathname, '/p/done');
  assert.equal((await page.locator('[data-test="custom-message"]').textContent()).trim(), 'Thanks, your card is on file.');
  await checkAccessibility(page);
  await screenshot(page, 'flow-payment-method-update-done');
  const after = await api('GET', `/v1/customers/${who.id}`);
  const card = await api('GET', `/v1/payment_methods/${after.invoice_settings.default_payment_method}`);
  assert.equal(card.card.last4, '4242', 'the new card is the default');
});

matrix('a customer_update deep link saves the details and redirects to the merchant', async ({ page }) => {
  const who = await customer({ name: 'Jenny Rosen' });
  // The merchant's page: any URL the browser can reach here (the sandbox has no other hosts).
  const merchant = `${PORTICO_URL}/p/assets/portal.css?back=account`;
  const session = await portalSession(who, {
    flow_data: { type: 'customer_update', after_completion: { type: 'redirect', redirect: { return_url: merchant } } },
  });
  await page.goto(session.url);
  assert.equal(new URL(page.url()).pathname, '/p/billing', 'straight into the task');
  await checkAccessibility(page);
  await screenshot(page, 'flow-customer-update');
  await page.getByLabel('Email', { exact: true }).fill('jenny@example.org');
  await press(page, '[data-test="save"]');
  assert.equal(page.url(), merchant);
  assert.equal((await api('GET', `/v1/customers/${who.id}`)).email, 'jenny@example.org');
});
