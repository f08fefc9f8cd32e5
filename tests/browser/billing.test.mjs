// The billing-information page in a real browser, with and without JavaScript, on a desktop and a phone: the
// details the configuration allows, saved and shown on the home page; mistakes beside their fields with what
// was typed kept; tax ids added (the API's validation) and removed; the page in Japanese. Each page is audited
// with axe and photographed.

import assert from 'node:assert/strict';
import { api, checkAccessibility, checkFraming, customer, matrix, portalSession, screenshot } from './support.mjs';

const BILLING = '/p/billing';

let everything;
/** A configuration letting customers edit every detail and their tax ids, made once per file. */
function configuration() {
  everything ??= api('POST', '/v1/billing_portal/configurations', {
    business_profile: { headline: 'Acme partners with Portico' },
    features: {
      customer_update: { enabled: true, allowed_updates: ['name', 'email', 'address', 'phone', 'shipping', 'tax_id'] },
      invoice_history: { enabled: true },
    },
  });
  return everything;
}

/** A customer with details on file. */
function jenny() {
  return customer({
    name: 'Jenny Rosen',
    phone: '+15555550100',
    address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
  });
}

/** Opens a portal session of `who` on the configuration above and goes to `path` inside it. */
async function enter(page, who, path, params = {}) {
  const session = await portalSession(who, { configuration: (await configuration()).id, ...params });
  await page.goto(session.url);
  const response = await page.goto(new URL(path, session.url).href);
  await checkFraming(response);
  return response;
}

/** Submits a form by its button and waits for the page it leads to; returns that page's response. */
async function press(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
  return response;
}

/** The error beside input `name`, checked to be tied to it. */
async function errorOf(page, name) {
  const error = page.locator(`[data-test="error-${name}"]`);
  await error.waitFor();
  const input = page.locator(`[name="${name}"]`);
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `${name} is marked invalid`);
  assert.equal(await input.getAttribute('aria-describedby'), await error.getAttribute('id'));
  return (await error.textContent()).trim();
}

matrix('the details are edited from the home page and saved with a notice', async ({ page }) => {
  const who = await jenny();
  await enter(page, who, '/p/');
  await press(page, '[data-test="edit-billing"]');
  assert.equal(new URL(page.url()).pathname, BILLING);
  assert.equal(await page.locator('#name').inputValue(), 'Jenny Rosen');
  assert.equal(await page.locator('#address_country').inputValue(), 'US');
  await checkAccessibility(page);
  await screenshot(page, 'billing');

  await page.getByLabel('Name', { exact: true }).fill('Jenny Q. Rosen');
  await page.getByLabel('Email', { exact: true }).fill('jenny.rosen@example.org');
  await page.locator('#address_line2').fill('Suite 5');
  await page.locator('#address_country').selectOption('DE');
  await page.locator('#shipping_name').fill('Jenny at work');
  await page.locator('#shipping_line1').fill('2 Office Rd');
  await page.locator('#shipping_country').selectOption({ label: 'France' });
  const response = await press(page, '[data-test="save"]');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/p/');
  await page.locator('[data-test="notice"]').waitFor();
  assert.equal(await page.locator('[data-test="name"]').textContent(), 'Jenny Q. Rosen');
  await checkAccessibility(page);
  await screenshot(page, 'billing-saved');

  const saved = await api('GET', `/v1/customers/${who.id}`);
  assert.equal(saved.name, 'Jenny Q. Rosen');
  assert.equal(saved.email, 'jenny.rosen@example.org');
  assert.deepEqual(saved.address, {
    city: 'Springfield', country: 'DE', line1: '1 Main St', line2: 'Suite 5', postal_code: '12345', state: null,
  });
  assert.equal(saved.shipping.address.country, 'FR');
  const events = await api('GET', '/v1/events', { type: 'customer.updated' });
  const mine = events.data.filter((e) => e.data.object.id === who.id);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].data.previous_attributes.name, 'Jenny Rosen');
});

matrix('mistakes are shown beside their fields, what was typed is kept and nothing is saved', async ({ page }) => {
  const who = await jenny();
  const before = await api('GET', `/v1/customers/${who.id}`);
  await enter(page, who, BILLING);
  await page.locator('#email').fill('jenny at example');
  await page.locator('#address_line1').fill('');
  await page.locator('#shipping_city').fill('Paris');
  const response = await press(page, '[data-test="save"]');
  assert.equal(response.status(), 400);
  assert.equal(await errorOf(page, 'address_line1'), 'Enter the street address.');
  assert.equal(await errorOf(page, 'shipping_name'), 'Enter the name of the person receiving deliveries.');
  assert.equal(await errorOf(page, 'shipping_line1'), 'Enter the street address.');
  assert.equal(await page.locator('#shipping_city').inputValue(), 'Paris');
  assert.equal(await page.locator('#email').inputValue(), 'jenny at example');
  // The summary at the top links to each field in the page's order.
  const links = await page.locator('[data-test="error-summary"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#address_line1', '#shipping_name', '#shipping_line1', '#shipping_country']);
  await checkAccessibility(page);
  await screenshot(page, 'billing-errors');

  // The form's own checks pass: the API's email check speaks, beside the email.
  await page.locator('#address_line1').fill('1 Main St');
  await page.locator('#shipping_city').fill('');
  await press(page, '[data-test="save"]');
  assert.equal(await errorOf(page, 'email'), 'Enter an email address like name@example.com.');
  assert.deepEqual(await api('GET', `/v1/customers/${who.id}`), before);
});

matrix('tax ids are added with the API checks and removed', async ({ page }) => {
  const who = await jenny();
  await enter(page, who, BILLING);
  await page.locator('[data-test="no-tax-ids"]').waitFor();

  await page.getByLabel('Type', { exact: true }).selectOption('eu_vat');
  await page.getByLabel('Tax ID number').fill('DE12');
  let response = await press(page, '[data-test="add-tax-id-submit"]');
  assert.equal(response.status(), 400);
  assert.match(await errorOf(page, 'tax_id_value'), /not a valid number for European Union — EU VAT/);
  assert.equal(await page.locator('#tax_id_type').inputValue(), 'eu_vat');
  assert.equal(await page.locator('#tax_id_value').inputValue(), 'DE12');
  await checkAccessibility(page);
  await screenshot(page, 'billing-tax-id-error');

  await page.getByLabel('Tax ID number').fill('DE123456789');
  response = await press(page, '[data-test="add-tax-id-submit"]');
  assert.equal(response.status(), 200);
  await page.locator('[data-test="notice"]').waitFor();
  assert.equal(await page.locator('[data-test="tax-id-value"]').textContent(), 'DE123456789');
  await checkAccessibility(page);
  await screenshot(page, 'billing-tax-ids');
  const [stored] = (await api('GET', `/v1/customers/${who.id}/tax_ids`)).data;
  assert.equal(stored.value, 'DE123456789');

  await press(page, `[data-id="${stored.id}"] [data-test="remove-tax-id"]`);
  await page.locator('[data-test="no-tax-ids"]').waitFor();
  assert.equal((await api('GET', `/v1/customers/${who.id}/tax_ids`)).data.length, 0);
});

matrix('the page and its errors in Japanese', async ({ page }) => {
  const who = await jenny();
  await enter(page, who, BILLING, { locale: 'ja' });
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.locator('#address_country option[value="JP"]').textContent(), '日本');
  await checkAccessibility(page);
  await screenshot(page, 'billing-ja');

  await page.locator('#email').fill('nope');
  await page.locator('#tax_id_value').fill('');
  await press(page, '[data-test="save"]');
  assert.match(await errorOf(page, 'email'), /メールアドレス/);
  await checkAccessibility(page);
  await screenshot(page, 'billing-ja-errors');
});
