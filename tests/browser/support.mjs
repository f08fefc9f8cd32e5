// What every portal browser test uses: the browser, Portico's API, fixtures, the viewport × JavaScript matrix,
// and the checks each page gets (axe, framing headers, screenshots). scripts/browser-tests starts the servers
// and sets PORTICO_URL, PORTICO_SECRET_KEY, PORTICO_BACKEND and PORTICO_SHORT_URL.
//
// playwright-core 1.60 speaks the DevTools protocol of Chromium 148, Debian bookworm's chromium: when Debian
// moves to a much newer Chromium, move playwright-core with it (its browsers.json names the version it expects).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const PORTICO_URL = required('PORTICO_URL');
export const SECRET_KEY = required('PORTICO_SECRET_KEY');
export const BACKEND = process.env.PORTICO_BACKEND ?? 'local';
/** A second server whose portal sessions expire after SHORT_LIFETIME_SECS (unused and idle). */
export const PORTICO_SHORT_URL = process.env.PORTICO_SHORT_URL;
export const SHORT_LIFETIME_SECS = Number(process.env.PORTICO_SHORT_LIFETIME_SECS ?? 3);
export const RETURN_URL = 'https://example.com/account';
export const ARTIFACTS = fileURLToPath(new URL(`../../target/browser-artifacts/${BACKEND}/`, import.meta.url));

export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through scripts/browser-tests`);
  return value;
}

// --- browser ------------------------------------------------------------------------------------------------

/** How many times a browser is started before the test file fails. */
const LAUNCH_ATTEMPTS = 3;

/**
 * Debian's Chromium, headless (playwright-core never downloads a browser). Chromium has crashed while starting
 * (SIGSEGV before opening any page, once in a CI run, failing a whole test file): a launch that fails is tried
 * again, and said so on stderr.
 */
export async function launch() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync',
        ],
      });
    } catch (error) {
      if (attempt === LAUNCH_ATTEMPTS) throw error;
      console.error(`Chromium did not start (attempt ${attempt} of ${LAUNCH_ATTEMPTS}): ${error.message.split('\n')[0]}`);
    }
  }
}

let shared;
/** The test file's one browser, launched on first use and closed when the file's tests end. */
export function browser() {
  shared ??= launch();
  return shared;
}

/** The variant each matrix context runs as, for screenshot names and the no-JS accessibility audit. */
const variants = new WeakMap();

/**
 * Registers test `name` that runs `body({ context, page, viewport, js, label })` once per viewport (desktop,
 * phone) with JavaScript on and off, each in a fresh context. `concurrency: true` runs the four at once (for
 * tests that mostly wait, like expiry).
 */
export function matrix(name, body, { concurrency = false } = {}) {
  test(name, { concurrency }, async (t) => {
    const chromium = await browser();
    const runs = [];
    for (const [viewport, size] of Object.entries(VIEWPORTS)) {
      for (const js of [true, false]) {
        const variant = { viewport, js, label: `${viewport}-${js ? 'js' : 'nojs'}` };
        runs.push(t.test(variant.label, async () => {
          const context = await chromium.newContext({ viewport: size, javaScriptEnabled: js });
          variants.set(context, variant);
          try {
            await body({ context, page: await context.newPage(), ...variant });
          } finally {
            await context.close();
          }
        }));
      }
    }
    await Promise.all(runs);
  });
}

after(async () => {
  if (shared) await (await shared).close();
});

function variantOf(page) {
  return variants.get(page.context()) ?? { viewport: `${page.viewportSize()?.width ?? 0}w`, js: true, label: 'js' };
}

// --- checks -------------------------------------------------------------------------------------------------

/**
 * Runs axe-core on the page and fails on any serious or critical violation. Without JavaScript axe cannot run
 * in the page itself (its timers never fire), so the page's DOM is audited in a JavaScript-enabled context
 * instead, at the same URL, with page scripts blocked by CSP and `<noscript>` content kept visible.
 */
export async function checkAccessibility(page) {
  const { js, viewport } = variantOf(page);
  let audited = page;
  let auditContext;
  if (!js) {
    const html = (await page.content()).replace(/<(\/?)noscript\b/gi, '<$1div');
    auditContext = await page.context().browser().newContext({ viewport: VIEWPORTS[viewport] ?? page.viewportSize() });
    audited = await auditContext.newPage();
    // Every request of the audit is answered from this process, the page from memory and the rest (the
    // stylesheet) fetched by Node: a route limited to one use (`times: 1`) left the stylesheet's request
    // hanging about once in 150 navigations on a busy machine, so `goto` never saw `load`.
    const url = page.url().split('#')[0];
    await audited.route('**/*', async (route) => {
      if (route.request().url() !== url) return route.fulfill({ response: await route.fetch() });
      return route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "script-src 'none'" },
        body: html,
      });
    });
    await audited.goto(page.url());
  }
  try {
    // Legacy mode runs axe.run in the page itself: the portal has no cross-origin frames, and the default
    // mode's extra blank page for axe.finishRun costs a third more time per check.
    const { violations } = await new AxeBuilder({ page: audited }).setLegacyMode(true).analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (bad.length) {
      const report = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes.map((n) => `      ${n.target.join(' ')}\n        ${n.failureSummary.replaceAll('\n', '\n        ')}`).join('\n'));
      assert.fail(`accessibility violations on ${page.url()}:\n${report.join('\n')}`);
    }
  } finally {
    await auditContext?.close();
  }
}

/** Full-page PNG at target/browser-artifacts/<backend>/<name>-<viewport>-<js|nojs>.png; returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}-${variantOf(page).label}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The portal may never be framed: checks the response and every redirect that led to it. */
export async function checkFraming(response) {
  assert.ok(response, 'no response to check (a navigation within the page?)');
  const chain = [response];
  for (let request = response.request().redirectedFrom(); request; request = request.redirectedFrom()) {
    chain.push(await request.response());
  }
  for (const r of chain) {
    const headers = r.headers();
    assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, `CSP of ${r.url()}`);
    assert.equal(headers['x-frame-options'], 'DENY', `X-Frame-Options of ${r.url()}`);
  }
}

// --- Portico's API ------------------------------------------------------------------------------------------

/** Stripe's form encoding: nested objects as `a[b]=x`, arrays as `a[0]=x`, null as an empty value. */
export function formEncode(params = {}) {
  const pairs = [];
  const walk = (value, key) => {
    if (value === undefined) return;
    if (value === null) pairs.push([key, '']);
    else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}[${k}]` : k);
    } else pairs.push([key, String(value)]);
  };
  walk(params, '');
  return new URLSearchParams(pairs).toString();
}

/** One Portico server's API and the fixtures built on it. */
export function server(url) {
  const api = async (method, path, params = {}) => {
    const body = formEncode(params);
    const sendsBody = method === 'POST';
    const response = await fetch(`${url}${path}${!sendsBody && body ? `?${body}` : ''}`, {
      method,
      headers: {
        authorization: `Bearer ${SECRET_KEY}`,
        ...(sendsBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: sendsBody ? body : undefined,
    });
    const json = await response.json();
    if (!response.ok) {
      const { type, code, param, message } = json.error ?? {};
      throw Object.assign(
        new Error(`${method} ${path} → ${response.status} ${type}${code ? `/${code}` : ''}${param ? ` (${param})` : ''}: ${message}`),
        { status: response.status, error: json.error },
      );
    }
    return json;
  };

  let configuration;
  const fixtures = {
    url,
    api,
    customer: (params = {}) =>
      api('POST', '/v1/customers', { name: 'Jenny Rosen', email: `browser-${randomUUID().slice(0, 12)}@example.com`, ...params }),
    /** A portal configuration with every feature on, made once per server and file. */
    configuration: () => {
      configuration ??= api('POST', '/v1/billing_portal/configurations', {
        business_profile: {
          headline: 'Acme partners with Portico',
          privacy_policy_url: 'https://example.com/privacy',
          terms_of_service_url: 'https://example.com/terms',
        },
        features: {
          customer_update: { enabled: true, allowed_updates: ['email', 'address'] },
          invoice_history: { enabled: true },
          payment_method_update: { enabled: true },
          subscription_cancel: { enabled: true, mode: 'at_period_end' },
          subscription_pause: { enabled: true },
          subscription_update: {
            enabled: true, default_allowed_updates: ['price', 'quantity'], products: '', proration_behavior: 'create_prorations',
          },
        },
      });
      return configuration;
    },
    /** A session for `customer` (on the configuration above unless `params.configuration`); `.url` opens it. */
    portalSession: async (customer, params = {}) =>
      api('POST', '/v1/billing_portal/sessions', {
        customer: customer.id ?? customer,
        return_url: RETURN_URL,
        configuration: params.configuration ?? (await fixtures.configuration()).id,
        ...params,
      }),
    /** Attaches a test card (a `pm_card_*` token) and makes it the customer's default. */
    cardPaymentMethod: async (customer, token = 'pm_card_visa') => {
      const id = customer.id ?? customer;
      const card = await api('POST', `/v1/payment_methods/${token}/attach`, { customer: id });
      await api('POST', `/v1/customers/${id}`, { invoice_settings: { default_payment_method: card.id } });
      return card;
    },
    /** A monthly price of a new product. */
    recurringPrice: (params = {}) =>
      api('POST', '/v1/prices', {
        currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' },
        product_data: { name: `Plan ${randomUUID().slice(0, 8)}` }, ...params,
      }),
    /** A subscription of `customer` (who needs a default card) to `prices`. */
    subscription: (customer, prices, params = {}) =>
      api('POST', '/v1/subscriptions', {
        customer: customer.id ?? customer, items: prices.map((p) => ({ price: p.id ?? p })), ...params,
      }),
  };
  return fixtures;
}

/** The main server. */
export const portico = server(PORTICO_URL);
/** The server with short portal lifetimes, when the runner started one. */
export const shortLived = PORTICO_SHORT_URL ? server(PORTICO_SHORT_URL) : undefined;
export const { api, customer, portalSession, cardPaymentMethod, recurringPrice, subscription } = portico;

/** Waits `seconds` of real time (for lifetimes the server measures; never for page state). */
export const wait = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
