// Canceling, renewing, pausing and resuming subscriptions in a real browser, with and without JavaScript, on a
// desktop and a phone: the cancellation with the reason survey, the retention offer accepted and declined,
// renewing, pausing and resuming, the cancel and pause deep links with each after_completion, and the pages in
// Japanese. Each page is audited with axe and photographed; what changed is checked through the API.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PORTICO_URL, api, cardPaymentMethod, checkAccessibility, checkFraming, customer, matrix, portalSession, recurringPrice, screenshot, subscription } from './support.mjs';

const configurations = new Map();
/** A configuration per cancellation mode (with the survey and pausing), and an optional retention coupon. */
function configuration(mode, coupon) {
  const key = `${mode}/${coupon ?? ''}`;
  if (!configurations.has(key)) {
    configurations.set(key, api('POST', '/v1/billing_portal/configurations', {
      business_profile: { headline: 'Acme partners with Portico' },
      features: {
        invoice_history: { enabled: true },
        payment_method_update: { enabled: true },
        subscription_cancel: {
          enabled: true,
          mode,
          proration_behavior: mode === 'immediately' ? 'create_prorations' : 'none',
          cancellation_reason: { enabled: true, options: ['too_expensive', 'missing_features', 'unused', 'other'] },
        },
        subscription_pause: {
          enabled: true,
          duration: { type: 'interval_options', interval_options: [{ interval: 'week', interval_count: 2 }, { interval: 'month', interval_count: 1 }] },
        },
      },
      ...(coupon ? { portico_retention_coupon: coupon } : {}),
    }));
  }
  return configurations.get(key);
}

let offered;
/** 50 % off for 3 months, made once per file. */
function coupon() {
  offered ??= api('POST', '/v1/coupons', { percent_off: 50, duration: 'repeating', duration_in_months: 3, name: 'Stay with us' });
  return offered;
}

/** A customer with a card and an active monthly subscription; returns both. */
async function subscriber(params = {}) {
  const who = await customer();
  await cardPaymentMethod(who);
  const price = await recurringPrice();
  const sub = await subscription(who, [price], { billing_mode: { type: 'classic' }, ...params });
  assert.equal(sub.status, 'active');
  return { who, sub };
}

/** Opens a portal session (`params` for the session) and goes to `path` inside it. */
async function enter(page, who, path, params) {
  const session = await portalSession(who, params);
  await page.goto(session.url);
  const response = await page.goto(new URL(path, session.url).href);
  await checkFraming(response);
  return response;
}

/** Clicks `selector` (a link or a form's button) and waits for the page it leads to. */
async function press(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.locator(selector).click()]);
  return response;
}

const retrieve = (sub) => api('GET', `/v1/subscriptions/${sub.id}`);

matrix('a cancellation at the period end with the survey, then renewed', async ({ page }) => {
  const { who, sub } = await subscriber();
  await enter(page, who, '/p/', { configuration: (await configuration('at_period_end')).id });
  await press(page, `[data-id="${sub.id}"] [data-test="cancel-subscription"]`);
  assert.match(await page.locator('[data-test="outcome"]').textContent(), /You keep access/);
  await checkAccessibility(page);
  await screenshot(page, 'cancel-survey');

  await page.getByLabel("It's too expensive").check();
  await page.getByLabel('Anything else you would like to tell us?').fill('Too pricey for me');
  await press(page, '[data-test="confirm-cancel"]');
  assert.equal(new URL(page.url()).pathname, '/p/');
  const scheduled = await retrieve(sub);
  assert.equal(scheduled.cancel_at_period_end, true);
  assert.deepEqual([scheduled.cancellation_details.feedback, scheduled.cancellation_details.comment], ['too_expensive', 'Too pricey for me']);
  assert.match(await page.locator(`[data-id="${sub.id}"]`).textContent(), /Cancels on/);
  await checkAccessibility(page);
  await screenshot(page, 'cancel-scheduled-home');

  await press(page, `[data-id="${sub.id}"] [data-test="renew-subscription"]`);
  const renewed = await retrieve(sub);
  assert.equal(renewed.cancel_at_period_end, false);
  assert.equal(renewed.cancel_at, null);
  await page.locator(`[data-id="${sub.id}"] [data-test="cancel-subscription"]`).waitFor();
});

matrix('a mistake in the survey shows beside it and nothing is canceled', async ({ page }) => {
  const { who, sub } = await subscriber();
  await enter(page, who, `/p/subscriptions/${sub.id}/cancel`, { configuration: (await configuration('immediately')).id });
  await page.locator('#comment').fill('x'.repeat(5001));
  const response = await press(page, '[data-test="confirm-cancel"]');
  assert.equal(response.status(), 422);
  const error = page.locator('#comment-error');
  await error.waitFor();
  assert.equal(await page.locator('#comment').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#comment').getAttribute('aria-describedby'), 'comment-error');
  assert.equal((await page.locator('#comment').inputValue()).length, 5001);
  await checkAccessibility(page);
  await screenshot(page, 'cancel-error');
  assert.equal((await retrieve(sub)).status, 'active');
});

matrix('the retention offer accepted keeps the subscription with the discount', async ({ page }) => {
  const { who, sub } = await subscriber();
  const offer = await coupon();
  await enter(page, who, '/p/', { configuration: (await configuration('immediately', offer.id)).id });
  await press(page, `[data-id="${sub.id}"] [data-test="cancel-subscription"]`);
  assert.equal((await page.locator('[data-test="offer-terms"]').textContent()).trim(), '50% off for 3 months');
  await checkAccessibility(page);
  await screenshot(page, 'retention-offer');
  await press(page, '[data-test="accept-offer"]');
  assert.equal(new URL(page.url()).pathname, '/p/');
  const kept = await api('GET', `/v1/subscriptions/${sub.id}`, { expand: ['discounts'] });
  assert.equal(kept.status, 'active');
  assert.equal(kept.discounts.length, 1);
  assert.equal(kept.discounts[0].source.coupon, offer.id);
});

matrix('the retention offer declined goes on to an immediate cancellation', async ({ page }) => {
  const { who, sub } = await subscriber();
  const offer = await coupon();
  await enter(page, who, `/p/subscriptions/${sub.id}/cancel`, { configuration: (await configuration('immediately', offer.id)).id });
  await press(page, '[data-test="decline-offer"]');
  assert.equal(await page.locator('[data-test="outcome"]').count(), 2);
  await checkAccessibility(page);
  await screenshot(page, 'cancel-immediately');
  await page.getByLabel('I no longer need it').check();
  await press(page, '[data-test="confirm-cancel"]');
  const ended = await retrieve(sub);
  assert.equal(ended.status, 'canceled');
  assert.equal(ended.cancellation_details.feedback, 'unused');
  assert.equal(ended.discounts.length, 0);
  assert.equal(await page.locator(`[data-id="${sub.id}"]`).count(), 0);
});

matrix('a pause for a chosen time, then resumed', async ({ page }) => {
  const { who, sub } = await subscriber({ billing_mode: { type: 'flexible' } });
  await enter(page, who, '/p/', { configuration: (await configuration('at_period_end')).id });
  await press(page, `[data-id="${sub.id}"] [data-test="pause-subscription"]`);
  await checkAccessibility(page);
  await screenshot(page, 'pause');
  const missing = await press(page, '[data-test="confirm-pause"]');
  assert.equal(missing.status(), 422);
  await page.locator('#duration-error').waitFor();
  await checkAccessibility(page);
  await page.getByLabel('1 month').check();
  await press(page, '[data-test="confirm-pause"]');
  assert.equal((await retrieve(sub)).status, 'paused');
  await checkAccessibility(page);
  await screenshot(page, 'paused-home');
  await press(page, `[data-id="${sub.id}"] [data-test="resume-subscription"]`);
  assert.equal((await retrieve(sub)).status, 'active');
});

matrix('a cancel deep link with retention redirects to the merchant after accepting', async ({ page }) => {
  const { who, sub } = await subscriber();
  const offer = await coupon();
  // The merchant's page: any public page of a reachable origin will do (a redirect's target is never routed, and
  // the sandbox reaches no other host), here the portal's stylesheet.
  const shop = `${new URL(PORTICO_URL).origin}/p/assets/portal.css?kept=${randomUUID()}`;
  const session = await portalSession(who, {
    configuration: (await configuration('at_period_end')).id,
    flow_data: {
      type: 'subscription_cancel',
      subscription_cancel: { subscription: sub.id, retention: { type: 'coupon_offer', coupon_offer: { coupon: offer.id } } },
      after_completion: { type: 'redirect', redirect: { return_url: shop } },
    },
  });
  await checkFraming(await page.goto(session.url));
  assert.equal(new URL(page.url()).pathname, `/p/subscriptions/${sub.id}/cancel`);
  assert.equal(await page.locator('[data-test="back"]').count(), 0, 'no way into the rest of the portal');
  await checkAccessibility(page);
  await screenshot(page, 'deep-link-retention');
  await press(page, '[data-test="accept-offer"]');
  assert.equal(page.url(), shop);
  assert.equal((await retrieve(sub)).discounts.length, 1);
});

matrix('a cancel deep link ends on the hosted confirmation with the merchant message', async ({ page }) => {
  const { who, sub } = await subscriber();
  await enter(page, who, '/p/', {
    configuration: (await configuration('at_period_end')).id,
    flow_data: {
      type: 'subscription_cancel',
      subscription_cancel: { subscription: sub.id },
      after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: 'We hope to see you again.' } },
    },
  });
  assert.equal(new URL(page.url()).pathname, `/p/subscriptions/${sub.id}/cancel`);
  await page.getByLabel('I need more features').check();
  await press(page, '[data-test="confirm-cancel"]');
  assert.equal(new URL(page.url()).pathname, '/p/done');
  assert.equal((await page.locator('[data-test="custom-message"]').textContent()).trim(), 'We hope to see you again.');
  await checkAccessibility(page);
  await screenshot(page, 'deep-link-cancel-done');
  assert.equal((await retrieve(sub)).cancellation_details.feedback, 'missing_features');
});

matrix('a pause deep link goes on to the portal home page', async ({ page }) => {
  const { who, sub } = await subscriber();
  await enter(page, who, '/p/', {
    configuration: (await configuration('at_period_end')).id,
    flow_data: { type: 'subscription_pause', subscription_pause: { subscription: sub.id }, after_completion: { type: 'portal_homepage' } },
  });
  assert.equal(new URL(page.url()).pathname, `/p/subscriptions/${sub.id}/pause`);
  await screenshot(page, 'deep-link-pause');
  await page.getByLabel('2 weeks').check();
  await press(page, '[data-test="confirm-pause"]');
  assert.equal(new URL(page.url()).pathname, '/p/');
  await page.locator(`[data-id="${sub.id}"] [data-test="resume-subscription"]`).waitFor();
  assert.equal((await retrieve(sub)).status, 'paused');
});

matrix('the cancel and pause pages in Japanese', async ({ page }) => {
  const { who, sub } = await subscriber();
  const offer = await coupon();
  await enter(page, who, `/p/subscriptions/${sub.id}/cancel`, { locale: 'ja', configuration: (await configuration('at_period_end', offer.id)).id });
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal((await page.locator('h1').textContent()).trim(), '解約の前に');
  assert.equal((await page.locator('[data-test="offer-terms"]').textContent()).trim(), '50%オフ（3か月間）');
  await checkAccessibility(page);
  await screenshot(page, 'retention-offer-ja');
  await press(page, '[data-test="decline-offer"]');
  assert.equal((await page.locator('h1').textContent()).trim(), 'サブスクリプションの解約');
  await checkAccessibility(page);
  await screenshot(page, 'cancel-ja');
  await page.goto(new URL(`/p/subscriptions/${sub.id}/pause`, page.url()).href);
  await checkAccessibility(page);
  await screenshot(page, 'pause-ja');
});
