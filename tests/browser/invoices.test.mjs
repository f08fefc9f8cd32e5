// Invoices in a real browser, with and without JavaScript, on a desktop and a phone: the portal's history and
// paying an open invoice with a saved card; the hosted invoice page reached by its link alone, its card form's
// mistakes, a 3-D Secure challenge and the paid page; the pages in Japanese and the PDF. Each page is audited
// with axe and photographed.

import assert from 'node:assert/strict';
import { api, cardPaymentMethod, checkAccessibility, checkFraming, customer, matrix, portalSession, screenshot } from './support.mjs';

/** A finalized one-off invoice (`send_invoice`, so it stays open) with one line of `amount` cents. */
async function openInvoice(who, amount = 4200, params = {}) {
  await api('POST', '/v1/invoiceitems', { customer: who.id, amount, currency: 'usd', description: 'Consulting, November' });
  const draft = await api('POST', '/v1/invoices', {
    customer: who.id, pending_invoice_items_behavior: 'include', collection_method: 'send_invoice', days_until_due: 30,
    ...params,
  });
  return api('POST', `/v1/invoices/${draft.id}/finalize`);
}

/** An invoice with two lines, a coupon and a 10 % tax. */
async function detailedInvoice(who) {
  const vat = await api('POST', '/v1/tax_rates', { display_name: 'VAT', percentage: 10, inclusive: false });
  const coupon = await api('POST', '/v1/coupons', { amount_off: 500, currency: 'usd', name: 'Welcome' });
  const product = await api('POST', '/v1/products', { name: 'Seats' });
  await api('POST', '/v1/invoiceitems', {
    customer: who.id, currency: 'usd', quantity: 3, description: 'Seats', price_data: { currency: 'usd', product: product.id, unit_amount: 1200 },
  });
  return openInvoice(who, 3000, {
    default_tax_rates: [vat.id], discounts: [{ coupon: coupon.id }], description: 'Thank you for your order.',
  });
}

/** Opens a portal session of `who` and goes to `path` inside it. */
async function enter(page, who, path, params = {}) {
  const session = await portalSession(who, params);
  await page.goto(session.url);
  const response = await page.goto(new URL(path, session.url).href);
  await checkFraming(response);
  return response;
}

/** Follows a link or submits a form by its control and waits for the page it leads to. */
async function press(page, selector) {
  await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
}

async function fillCard(page, { number, expiry = '12/34', cvc = '123' }) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry date').fill(expiry);
  await page.getByLabel('Security code').fill(cvc);
}

matrix('the history lists invoices and an open one is paid with a saved card', async ({ page }) => {
  const jenny = await customer();
  await cardPaymentMethod(jenny, 'pm_card_visa');
  const paid = await openInvoice(jenny, 1500);
  await api('POST', `/v1/invoices/${paid.id}/pay`);
  const open = await openInvoice(jenny, 4200);

  const response = await enter(page, jenny, '/p/invoices');
  assert.equal(response.status(), 200);
  const rows = page.locator('[data-test="invoice"]');
  assert.deepEqual(await rows.evaluateAll((lis) => lis.map((li) => li.dataset.id)), [open.id, paid.id]);
  assert.equal(await page.locator(`[data-id="${open.id}"] [data-test="status"]`).textContent(), 'Open');
  assert.equal(await page.locator(`[data-id="${paid.id}"] [data-test="pay"]`).count(), 0);
  await checkAccessibility(page);
  await screenshot(page, 'invoices');

  await press(page, `[data-id="${open.id}"] [data-test="pay"]`);
  assert.equal(new URL(page.url()).pathname, `/p/invoices/${open.id}/pay`);
  assert.equal(await page.locator('[data-test="amount-due"]').textContent(), '$42.00');
  await checkAccessibility(page);
  await screenshot(page, 'invoices-pay');

  await press(page, 'button[data-test="pay"]');
  await page.locator('[data-test="notice"]').waitFor();
  assert.equal(await page.locator(`[data-id="${open.id}"] [data-test="status"]`).textContent(), 'Paid');
  assert.equal((await api('GET', `/v1/invoices/${open.id}`)).status, 'paid');
  await screenshot(page, 'invoices-paid');
});

matrix('the hosted page is paid with a new card after its mistakes and a 3-D Secure challenge', async ({ page }) => {
  const jenny = await customer({ address: { line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' } });
  const invoice = await detailedInvoice(jenny);
  const response = await page.goto(invoice.hosted_invoice_url);
  assert.equal(response.status(), 200);
  await checkFraming(response);
  assert.equal(await page.locator('h1').textContent(), `Invoice ${invoice.number}`);
  assert.equal(await page.locator('[data-test="amount-due"]').textContent(), '$67.10');
  assert.match(await page.locator('[data-test="totals"]').textContent(), /Discount \(Welcome\)/);
  await checkAccessibility(page);
  await screenshot(page, 'hosted-invoice');

  await fillCard(page, { number: '4242 4242 4242 4241', expiry: '13/30', cvc: '1' });
  await press(page, '[data-test="pay-card"]');
  for (const field of ['number', 'expiry', 'cvc']) {
    await page.locator(`[data-test="${field}-error"]`).waitFor();
    assert.equal(await page.locator(`[name="${field}"]`).getAttribute('aria-invalid'), 'true');
  }
  assert.equal(await page.getByLabel('Expiry date').inputValue(), '13/30');
  assert.equal(await page.getByLabel('Card number').inputValue(), '', 'the number is never shown back');
  await checkAccessibility(page);
  await screenshot(page, 'hosted-invoice-errors');
  assert.equal((await api('GET', `/v1/invoices/${invoice.id}`)).status, 'open');

  await fillCard(page, { number: '4000 0027 6000 3184' });
  await press(page, '[data-test="pay-card"]');
  assert.match(new URL(page.url()).pathname, /\/authenticate$/);
  assert.match(await page.locator('[data-test="card"]').textContent(), /3184/);
  await checkAccessibility(page);
  await screenshot(page, 'invoices-authenticate');

  await press(page, '[data-test="complete"]');
  await page.locator('[data-test="notice"]').waitFor();
  assert.equal(await page.locator('[data-test="status"]').textContent(), 'Paid');
  assert.equal(await page.locator('[data-test="pay"]').count(), 0);
  assert.equal((await api('GET', `/v1/invoices/${invoice.id}`)).status, 'paid');
  await checkAccessibility(page);
  await screenshot(page, 'hosted-invoice-paid');
});

matrix('a Japanese customer reads the history, the hosted page and the PDF in Japanese', async ({ page }) => {
  const taro = await customer({ name: '山田 太郎', preferred_locales: ['ja'], address: { line1: '丸の内1-1-1', city: '千代田区', state: '東京都', postal_code: '100-0005', country: 'JP' } });
  await cardPaymentMethod(taro, 'pm_card_chargeCustomerFail');
  const invoice = await detailedInvoice(taro);

  await enter(page, taro, '/p/invoices');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.locator('h1').textContent(), '請求書の履歴');
  await checkAccessibility(page);
  await screenshot(page, 'invoices-ja');
  await press(page, `[data-id="${invoice.id}"] [data-test="pay"]`);
  await press(page, 'button[data-test="pay"]');
  assert.match(await page.locator('[data-test="payment-method-error"]').textContent(), /カードが拒否されました/);
  await checkAccessibility(page);
  await screenshot(page, 'invoices-pay-declined-ja');

  const response = await page.goto(invoice.hosted_invoice_url);
  assert.equal(response.status(), 200);
  assert.equal(await page.locator('h1').textContent(), `請求書 ${invoice.number}`);
  await checkAccessibility(page);
  await screenshot(page, 'hosted-invoice-ja');

  const pdf = await page.request.get(invoice.invoice_pdf);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal(pdf.headers()['content-disposition'], `inline; filename="Invoice-${invoice.number}.pdf"`);
  assert.ok((await pdf.body()).subarray(0, 5).equals(Buffer.from('%PDF-')));
});
