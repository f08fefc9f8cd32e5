// Updating a subscription in a real browser, with and without JavaScript, on a desktop and a phone: choose a
// plan and quantity, the preview with its amounts, confirm; a declined card and a 3-D Secure card during an
// upgrade; a refusal explained; both update deep links; the pages in Japanese. Each page is audited with axe
// and photographed.

import assert from 'node:assert/strict';
import {
  api, cardPaymentMethod, checkAccessibility, checkFraming, customer, matrix, portalSession, screenshot, subscription,
} from './support.mjs';

/** Two products whose tax-exclusive monthly prices the configuration offers, quantity 1–10. */
let catalogPromise;
function catalog() {
  catalogPromise ??= (async () => {
    const basic = await api('POST', '/v1/products', { name: 'Basic' });
    const pro = await api('POST', '/v1/products', { name: 'Pro' });
    const price = (product, amount) => api('POST', '/v1/prices', {
      product: product.id, unit_amount: amount, currency: 'usd', tax_behavior: 'exclusive', recurring: { interval: 'month' },
    });
    const basicMonthly = await price(basic, 1000);
    const proMonthly = await price(pro, 2000);
    const quantity = { enabled: true, minimum: 1, maximum: 10 };
    const configuration = await api('POST', '/v1/billing_portal/configurations', {
      business_profile: { terms_of_service_url: 'https://example.com/terms' },
      features: {
        invoice_history: { enabled: true },
        payment_method_update: { enabled: true },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price', 'quantity', 'promotion_code'],
          proration_behavior: 'always_invoice',
          products: [
            { product: basic.id, prices: [basicMonthly.id], adjustable_quantity: quantity },
            { product: pro.id, prices: [proMonthly.id], adjustable_quantity: quantity },
          ],
        },
      },
    });
    return { basicMonthly, proMonthly, configuration };
  })();
  return catalogPromise;
}

/** A customer paying with `card`, subscribed to Basic, in a portal session (`params` for the session). */
async function subscribed(card = 'pm_card_visa') {
  const { basicMonthly, configuration } = await catalog();
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  const sub = await subscription(jenny, [basicMonthly]);
  if (card !== 'pm_card_visa') await cardPaymentMethod(jenny, card);
  return { jenny, sub, configuration };
}

async function open(page, jenny, configuration, path, params = {}) {
  const session = await portalSession(jenny, { configuration: configuration.id, ...params });
  await page.goto(session.url);
  if (path === undefined) return undefined;
  const response = await page.goto(new URL(path, session.url).href);
  await checkFraming(response);
  return response;
}

async function press(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
}

async function chooseUpgrade(page, sub, quantity = '1') {
  const { proMonthly } = await catalog();
  await page.locator(`[data-test="price"][value="${proMonthly.id}"]`).check();
  await page.getByLabel('Quantity').fill(quantity);
  await press(page, '[data-test="continue"]');
  await page.locator('[data-test="update-preview"]').waitFor();
}

const cents = (text) => Number(text.replace(/[^0-9]/g, '')) * (/[-−]/.test(text) ? -1 : 1);

matrix('a plan is chosen, previewed and confirmed at the previewed amount', async ({ page }) => {
  const { jenny, sub, configuration } = await subscribed();
  const response = await open(page, jenny, configuration, `/p/subscriptions/${sub.id}/update`);
  assert.equal(response.status(), 200);
  await checkAccessibility(page);
  await screenshot(page, 'update-choose');

  // A quantity out of bounds is shown beside its field, kept as typed.
  await page.getByLabel('Quantity').fill('11');
  await press(page, '[data-test="continue"]');
  await page.locator('[data-test="quantity-error"]').waitFor();
  assert.equal(await page.getByLabel('Quantity').inputValue(), '11');
  assert.equal(await page.getByLabel('Quantity').getAttribute('aria-invalid'), 'true');
  await checkAccessibility(page);
  await screenshot(page, 'update-choose-error');

  await chooseUpgrade(page, sub, '2');
  const due = cents(await page.locator('[data-test="due-now"]').textContent());
  assert.ok(due > 0);
  await checkAccessibility(page);
  await screenshot(page, 'update-preview');

  await press(page, '[data-test="confirm"]');
  assert.equal(new URL(page.url()).pathname, '/p/');
  const changed = await api('GET', `/v1/subscriptions/${sub.id}`);
  assert.equal(changed.items.data[0].quantity, 2);
  const invoice = await api('GET', `/v1/invoices/${changed.latest_invoice}`);
  assert.equal(invoice.amount_paid, due);
});

matrix('a declined card during an upgrade leaves the plan as it was', async ({ page }) => {
  const { jenny, sub, configuration } = await subscribed('pm_card_chargeCustomerFail');
  await open(page, jenny, configuration, `/p/subscriptions/${sub.id}/update`);
  await chooseUpgrade(page, sub);
  await press(page, '[data-test="confirm"]');
  await page.locator('[data-test="update-declined"]').waitFor();
  assert.match(await page.locator('[data-test="decline"]').textContent(), /declined/i);
  await checkAccessibility(page);
  await screenshot(page, 'update-declined');
  const after = await api('GET', `/v1/subscriptions/${sub.id}`);
  assert.equal(after.items.data[0].price.id, sub.items.data[0].price.id);
});

matrix('a 3-D Secure card is challenged, then the upgrade applies', async ({ page }) => {
  const { jenny, sub, configuration } = await subscribed('pm_card_authenticationRequired');
  const { proMonthly } = await catalog();
  await open(page, jenny, configuration, `/p/subscriptions/${sub.id}/update`);
  await chooseUpgrade(page, sub);
  await press(page, '[data-test="confirm"]');
  await page.locator('[data-test="authenticate"]').waitFor();
  assert.equal(new URL(page.url()).pathname, `/p/subscriptions/${sub.id}/update/authenticate`);
  await checkAccessibility(page);
  await screenshot(page, 'update-3ds');
  await press(page, '[data-test="complete"]');
  const after = await api('GET', `/v1/subscriptions/${sub.id}`);
  assert.equal(after.items.data[0].price.id, proMonthly.id);
});

matrix('a subscription with several products is refused in plain words', async ({ page }) => {
  const { basicMonthly, proMonthly, configuration } = await catalog();
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  const sub = await subscription(jenny, [basicMonthly, proMonthly]);
  const response = await open(page, jenny, configuration, `/p/subscriptions/${sub.id}/update`);
  assert.equal(response.status(), 409);
  assert.match(await page.locator('[data-test="reason"]').textContent(), /several products/);
  await checkAccessibility(page);
  await screenshot(page, 'update-refused');
});

matrix('the update deep link opens on the choose page and ends on the confirmation', async ({ page }) => {
  const { jenny, sub, configuration } = await subscribed();
  await open(page, jenny, configuration, undefined, {
    flow_data: { type: 'subscription_update', subscription_update: { subscription: sub.id } },
  });
  assert.equal(new URL(page.url()).pathname, `/p/subscriptions/${sub.id}/update`);
  assert.equal(await page.locator('[data-test="back"]').count(), 0, 'no way to the rest of the portal');
  await checkAccessibility(page);
  await screenshot(page, 'update-flow-choose');
  await chooseUpgrade(page, sub);
  await press(page, '[data-test="confirm"]');
  assert.equal(new URL(page.url()).pathname, '/p/done');
  await screenshot(page, 'update-flow-done');
});

matrix('the update-confirm deep link opens on the preview, in Japanese', async ({ page }) => {
  const { jenny, sub, configuration } = await subscribed();
  const { proMonthly } = await catalog();
  await open(page, jenny, configuration, undefined, {
    locale: 'ja',
    flow_data: {
      type: 'subscription_update_confirm',
      subscription_update_confirm: { subscription: sub.id, items: [{ id: sub.items.data[0].id, price: proMonthly.id, quantity: 3 }] },
    },
  });
  assert.equal(new URL(page.url()).pathname, `/p/subscriptions/${sub.id}/update/confirm`);
  await page.locator('[data-test="update-preview"]').waitFor();
  assert.equal((await page.locator('h1').textContent()).trim(), '変更内容の確認');
  await checkAccessibility(page);
  await screenshot(page, 'update-flow-confirm-ja');
  await press(page, '[data-test="confirm"]');
  const after = await api('GET', `/v1/subscriptions/${sub.id}`);
  assert.equal(after.items.data[0].quantity, 3);
});

matrix('each refusal rule is explained in the page, with a subscription that triggers it', async ({ page }) => {
  const { basicMonthly, proMonthly } = await catalog();
  // The catalogue's configuration, with cancellation on too (a schedule blocks both).
  const configuration = await api('POST', '/v1/billing_portal/configurations', {
    features: {
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price'],
        products: [
          { product: basicMonthly.product, prices: [basicMonthly.id] },
          { product: proMonthly.product, prices: [proMonthly.id] },
        ],
      },
    },
  });
  const plain = await api('POST', '/v1/products', { name: 'Usage' });
  const metered = await api('POST', '/v1/prices', {
    product: plain.id, unit_amount: 5, currency: 'usd', recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_123' },
  });
  const unspecified = await api('POST', '/v1/prices', {
    product: plain.id, unit_amount: 700, currency: 'usd', recurring: { interval: 'month' },
  });
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  const onMetered = await subscription(jenny, [metered]);
  const invoiced = await api('POST', '/v1/subscriptions', {
    customer: jenny.id, items: [{ price: basicMonthly.id }], collection_method: 'send_invoice', days_until_due: 30,
  });
  const scheduled = await subscription(jenny, [basicMonthly]);
  await api('POST', '/v1/subscription_schedules', { from_subscription: scheduled.id });
  const untaxed = await subscription(jenny, [unspecified]);
  const session = await portalSession(jenny, { configuration: configuration.id });
  await page.goto(session.url);
  for (const [sub, words, name] of [
    [onMetered, /usage/, 'refused-metered'],
    [invoiced, /paid by invoice/, 'refused-send-invoice'],
    [scheduled, /scheduled/, 'refused-schedule'],
  ]) {
    const response = await page.goto(new URL(`/p/subscriptions/${sub.id}/update`, session.url).href);
    assert.equal(response.status(), 409, name);
    assert.match(await page.locator('[data-test="reason"]').textContent(), words);
    assert.equal(await page.locator('[data-test="update-form"]').count(), 0);
    await checkAccessibility(page);
    await screenshot(page, `update-${name}`);
  }
  // A schedule also keeps the subscription from being canceled here.
  const cancel = await page.goto(new URL(`/p/subscriptions/${scheduled.id}/cancel`, session.url).href);
  assert.equal(cancel.status(), 409);
  await page.locator('[data-test="refusal"]').waitFor();
  await screenshot(page, 'cancel-refused-schedule');
  // A price whose tax behaviour is unspecified can never be switched: with nothing else to change, the page
  // refuses and says why no plan is offered.
  const untaxedPage = await page.goto(new URL(`/p/subscriptions/${untaxed.id}/update`, session.url).href);
  assert.equal(untaxedPage.status(), 409);
  assert.match(await page.locator('[data-test="reason"]').textContent(), /doesn't say how tax applies/);
  assert.equal(await page.locator('[data-test="update-form"]').count(), 0);
  await checkAccessibility(page);
  await screenshot(page, 'update-refused-tax-unspecified');
  // The home page offers no update for them and says why.
  await page.goto(new URL('/p/', session.url).href);
  for (const sub of [onMetered, invoiced, scheduled]) {
    const row = page.locator(`[data-test="subscription"][data-id="${sub.id}"]`);
    assert.equal(await row.locator('[data-test="update-subscription"]').count(), 0);
    await row.locator('[data-test="limitation"]').waitFor();
  }
  const untaxedRow = page.locator(`[data-test="subscription"][data-id="${untaxed.id}"]`);
  assert.equal(await untaxedRow.locator('[data-test="update-subscription"]').count(), 0);
  await screenshot(page, 'home-limitations');
});

matrix('changing a trialing subscription ends the trial and charges the new price now', async ({ page }) => {
  const { basicMonthly, configuration } = await catalog();
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  const sub = await subscription(jenny, [basicMonthly], { trial_period_days: 14 });
  await open(page, jenny, configuration, `/p/subscriptions/${sub.id}/update`);
  await page.locator('[data-test="trial-note"]').waitFor();
  await chooseUpgrade(page, sub);
  await page.locator('[data-test="trial-ends"]').waitFor();
  await checkAccessibility(page);
  await screenshot(page, 'update-trial-preview');
  await press(page, '[data-test="confirm"]');
  const after = await api('GET', `/v1/subscriptions/${sub.id}`);
  assert.equal(after.status, 'active');
  const invoice = await api('GET', `/v1/invoices/${after.latest_invoice}`);
  assert.equal(invoice.amount_paid, 2000, 'the new price, charged now');
});

matrix('a downgrade is scheduled for the period end when the configuration says so', async ({ page }) => {
  const { proMonthly } = await catalog();
  // A period-end change stays within one product: here, fewer seats of the same plan.
  const scheduled = await api('POST', '/v1/billing_portal/configurations', {
    features: {
      payment_method_update: { enabled: true },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price', 'quantity'],
        proration_behavior: 'create_prorations',
        schedule_at_period_end: { conditions: [{ type: 'decreasing_item_amount' }] },
        products: [{ product: proMonthly.product, prices: [proMonthly.id], adjustable_quantity: { enabled: true, minimum: 1, maximum: 10 } }],
      },
    },
  });
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  const sub = await api('POST', '/v1/subscriptions', { customer: jenny.id, items: [{ price: proMonthly.id, quantity: 3 }] });
  await open(page, jenny, scheduled, `/p/subscriptions/${sub.id}/update`);
  await page.locator(`[data-test="price"][value="${proMonthly.id}"]`).check();
  await page.getByLabel('Quantity').fill('1');
  await press(page, '[data-test="continue"]');
  await page.locator('[data-test="scheduled"]').waitFor();
  await checkAccessibility(page);
  await screenshot(page, 'update-scheduled-preview');
  await press(page, '[data-test="confirm"]');
  const after = await api('GET', `/v1/subscriptions/${sub.id}`);
  assert.equal(after.items.data[0].quantity, 3, 'unchanged until the period ends');
  assert.ok(after.schedule, 'a subscription schedule holds the change');
});

matrix('a price that handles tax differently is not offered, and the page says why', async ({ page }) => {
  const { basicMonthly, proMonthly } = await catalog();
  const inclusiveProduct = await api('POST', '/v1/products', { name: 'Tax included' });
  const inclusive = await api('POST', '/v1/prices', {
    product: inclusiveProduct.id, unit_amount: 1500, currency: 'usd', tax_behavior: 'inclusive', recurring: { interval: 'month' },
  });
  const configuration = await api('POST', '/v1/billing_portal/configurations', {
    features: {
      payment_method_update: { enabled: true },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price'],
        products: [
          { product: basicMonthly.product, prices: [basicMonthly.id] },
          { product: proMonthly.product, prices: [proMonthly.id] },
          { product: inclusiveProduct.id, prices: [inclusive.id] },
        ],
      },
    },
  });
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  const sub = await subscription(jenny, [basicMonthly]);
  await open(page, jenny, configuration, `/p/subscriptions/${sub.id}/update`);
  assert.match(await page.locator('[data-test="missing"]').textContent(), /handle tax differently/);
  assert.equal(await page.locator(`[data-test="price"][value="${inclusive.id}"]`).count(), 0);
  assert.equal(await page.locator(`[data-test="price"][value="${proMonthly.id}"]`).count(), 1);
  await checkAccessibility(page);
  await screenshot(page, 'update-tax-mismatch');
});
