// Swagger UI as a person uses it, in headless Debian Chromium (puppeteer-core).
// Run by scripts/browser-check, which starts the server, creates the
// administrator and passes everything in the environment:
//   RAZEM_BC_BASE      http://127.0.0.1:PORT
//   RAZEM_BC_EMAIL     the administrator's e-mail
//   RAZEM_BC_PASSWORD  and password
//   RAZEM_BC_CHROMIUM  the browser executable (/usr/bin/chromium)
//   RAZEM_BC_PROFILE   a new, empty --user-data-dir
//   RAZEM_BC_OUT       where screenshots and the browser log go (target/browser-check)
//   RAZEM_BC_NODE_DIR  the npm prefix holding puppeteer-core
// Each step is logged; the first that fails is named, a screenshot of the page
// at that moment is saved, and the exit status is 1.
import { createRequire } from 'node:module';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`[driver] ERROR: ${name} is not set (run scripts/browser-check)`);
    process.exit(2);
  }
  return value;
}

const BASE = env('RAZEM_BC_BASE');
const EMAIL = env('RAZEM_BC_EMAIL');
const PASSWORD = env('RAZEM_BC_PASSWORD');
const CHROMIUM = env('RAZEM_BC_CHROMIUM');
const PROFILE = env('RAZEM_BC_PROFILE');
const OUT = env('RAZEM_BC_OUT');
const NODE_DIR = env('RAZEM_BC_NODE_DIR');
const STEP_TIMEOUT_MS = 30_000;
// A demo association that the development seed always loads (src/seed/mod.rs).
const DEMO_SLUG = 'opos';
const DEMO_SHORT_NAME = 'OPOS';

const require = createRequire(path.join(NODE_DIR, 'package.json'));
const puppeteerModule = require('puppeteer-core');
const puppeteer = puppeteerModule.default ?? puppeteerModule;

const BROWSER_LOG = path.join(OUT, 'browser.log');
writeFileSync(BROWSER_LOG, '');
const browserLog = (line) => appendFileSync(BROWSER_LOG, `${new Date().toISOString()} ${line}\n`);
const log = (line) => console.error(`[driver] ${line}`);

let browser;
let page;
let stepNo = 0;

class CheckFailed extends Error {}
function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

// Runs one named step; on failure names it, screenshots the page and exits 1.
async function step(name, fn) {
  stepNo += 1;
  const label = `step ${stepNo}: ${name}`;
  const started = Date.now();
  try {
    const result = await fn();
    log(`${label}: ok (${Date.now() - started} ms)`);
    return result;
  } catch (err) {
    const what = err instanceof CheckFailed ? err.message : (err && err.stack) || String(err);
    log(`FAILED at ${label}`);
    log(`  ${what.replace(/\n/g, '\n  ')}`);
    if (page) {
      const shot = path.join(OUT, `failed-step-${String(stepNo).padStart(2, '0')}.png`);
      try {
        await page.screenshot({ path: shot, fullPage: true });
        log(`  screenshot of the page at that moment: ${shot}`);
      } catch (shotErr) {
        log(`  (no screenshot: ${shotErr.message})`);
      }
    }
    log(`  browser console and requests: ${BROWSER_LOG}`);
    if (browser) await browser.close().catch(() => {});
    process.exit(1);
  }
}

// The whole text of one element, or null when it is not there.
async function textOf(root, selector) {
  const handle = await root.$(selector);
  if (!handle) return null;
  return handle.evaluate((el) => el.textContent);
}

// The row of the live response table (its header row has the same cell classes).
const RESPONSE_ROW = '.live-responses-table tbody tr.response';

// Expands an operation, presses "Try it out", fills parameters, presses
// "Execute" and returns what the page shows of the response.
async function tryOperation(opId, description, params = {}) {
  const opSel = `#${opId}`;
  const op = await step(`find the operation ${description} (${opSel})`, async () => {
    const handle = await page.waitForSelector(opSel, { visible: true });
    await handle.scrollIntoView();
    return handle;
  });
  await step(`expand ${description}`, async () => {
    const control = (await op.$('.opblock-summary-control')) ?? (await op.$('.opblock-summary'));
    check(control, `${description}: no summary control to click`);
    await control.click();
    await page.waitForSelector(`${opSel} .try-out__btn`, { visible: true });
  });
  await step(`press "Try it out" on ${description}`, async () => {
    const button = await page.$(`${opSel} .try-out__btn`);
    check(button, `${description}: no "Try it out" button`);
    await button.click();
    await page.waitForSelector(`${opSel} button.execute`, { visible: true });
  });
  // Swagger UI pre-fills each parameter's example; together they can match
  // nothing (the list comes back empty), so clear what we do not set.
  await step(`clear the example values pre-filled in ${description}`, async () => {
    const inputs = await page.$$(`${opSel} tr[data-param-name] input[type="text"]`);
    const cleared = [];
    for (const input of inputs) {
      const name = await input.evaluate((el) => el.closest('tr').dataset.paramName);
      const value = await input.evaluate((el) => el.value);
      if (name in params || value === '') continue;
      await input.click({ clickCount: 3 });
      await page.keyboard.press('Backspace');
      const left = await input.evaluate((el) => el.value);
      check(left === '', `${description}: the parameter ${name} still holds ${JSON.stringify(left)}`);
      cleared.push(`${name}=${value}`);
    }
    if (cleared.length) log(`  cleared ${cleared.join(', ')}`);
  });
  for (const [name, value] of Object.entries(params)) {
    await step(`fill the parameter ${name}=${value} of ${description}`, async () => {
      const input = await page.waitForSelector(
        `${opSel} tr[data-param-name="${name}"] input`,
        { visible: true },
      );
      await input.click({ clickCount: 3 });
      await input.type(String(value));
    });
  }
  await step(`press "Execute" on ${description}`, async () => {
    const button = await page.$(`${opSel} button.execute`);
    check(button, `${description}: no "Execute" button`);
    await button.click();
    // The live response table appears when the request has completed.
    await page.waitForSelector(`${opSel} ${RESPONSE_ROW} .response-col_status`, { visible: true });
  });
  const shown = await step(`read the response shown for ${description}`, async () => {
    // The status cell may add "Undocumented" after the code.
    const statusCell = await textOf(page, `${opSel} ${RESPONSE_ROW} .response-col_status`);
    const status = statusCell?.trim().split(/\s+/)[0];
    // "Response body" comes before "Response headers" in the details cell.
    const body = await textOf(page, `${opSel} ${RESPONSE_ROW} .response-col_description .microlight`);
    const requestUrl = await textOf(page, `${opSel} .request-url pre`);
    const curl = await textOf(page, `${opSel} .curl-command`);
    check(status, `${description}: the page shows no response status`);
    check(body !== null, `${description}: the page shows no response body`);
    return { status, body, requestUrl: (requestUrl ?? '').trim(), curl: curl ?? '' };
  });
  log(`  ${description}: the page shows status ${shown.status}, request URL ${shown.requestUrl}`);
  return shown;
}

// A screenshot of one operation block after Execute, from its summary down to
// the response shown (the documented responses below it are left out).
async function screenshotOperation(opId, file) {
  const shot = path.join(OUT, file);
  const op = await page.$(`#${opId}`);
  check(op, `#${opId} is gone`);
  const box = await op.boundingBox();
  const table = await op.$(RESPONSE_ROW);
  const end = table ? await table.boundingBox() : null;
  const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  const bottom = end ? end.y + end.height + 12 : box.y + box.height;
  await page.screenshot({
    path: shot,
    captureBeyondViewport: true,
    clip: { x: box.x + scroll.x, y: box.y + scroll.y, width: box.width, height: bottom - box.y },
  });
  log(`  screenshot: ${shot}`);
}

function parseShownJson(shown, description) {
  try {
    return JSON.parse(shown.body);
  } catch (err) {
    throw new CheckFailed(
      `${description}: the response body shown is not JSON (${err.message}):\n${shown.body.slice(0, 500)}`,
    );
  }
}

// ---------------------------------------------------------------- the check
const token = await step('sign in through POST /api/v1/auth/login', async () => {
  const response = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  const text = await response.text();
  check(response.status === 200, `POST /api/v1/auth/login answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text);
  check(typeof body.access_token === 'string' && body.access_token.length > 0, 'the login response has no access_token');
  return body.access_token;
});

await step(`launch ${CHROMIUM}`, async () => {
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: PROFILE,
    // The machine's network is closed: Chromium must not try to reach out.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    defaultViewport: { width: 1280, height: 900 },
    timeout: STEP_TIMEOUT_MS,
  });
  log(`  ${await browser.version()}`);
  page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on('console', (msg) => browserLog(`console.${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => browserLog(`page error: ${err.message}`));
  page.on('requestfailed', (req) => browserLog(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => browserLog(`${res.request().method()} ${res.url()} -> ${res.status()}`));
  // Only the server under test is reached; anything else (e.g. an online
  // validator badge) is refused and logged.
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith(`${BASE}/`) || url.startsWith('data:') || url.startsWith('blob:')) {
      req.continue();
    } else {
      browserLog(`refused a request outside the server under test: ${req.method()} ${url}`);
      req.abort('blockedbyclient');
    }
  });
});

await step('open /swagger-ui/ and wait for the API document to render', async () => {
  const response = await page.goto(`${BASE}/swagger-ui/`, { waitUntil: 'load' });
  check(response && response.status() === 200, `GET /swagger-ui/ answered ${response?.status()}`);
  await page.waitForSelector('.swagger-ui .info .title', { visible: true });
  await page.waitForSelector('.swagger-ui .opblock', { visible: true });
  const title = (await textOf(page, '.swagger-ui .info .title')).trim();
  const failed = await textOf(page, '.swagger-ui .errors-wrapper');
  check(!failed, `Swagger UI shows errors: ${failed}`);
  log(`  document title shown: ${title}`);
});

await step('open the Authorize dialog', async () => {
  const button = await page.waitForSelector('.swagger-ui .auth-wrapper button.authorize', { visible: true });
  await button.click();
  await page.waitForSelector('.swagger-ui .dialog-ux .modal-ux .auth-container', { visible: true });
});

await step('fill the access token into the "bearer" scheme and authorize', async () => {
  // One .auth-container per security scheme; the bearer one is headed "bearer  (http, Bearer)".
  const containers = await page.$$('.swagger-ui .modal-ux .auth-container');
  let bearer = null;
  const names = [];
  for (const container of containers) {
    const heading = ((await textOf(container, 'h4')) ?? '').trim();
    names.push(heading);
    if (/^bearer\b/.test(heading)) bearer = container;
  }
  check(bearer, `no "bearer" scheme in the Authorize dialog; it shows: ${names.join(' | ')}`);
  const input = await bearer.$('input');
  check(input, 'the "bearer" scheme has no value input');
  await input.type(token);
  const authorize = await bearer.$('button.authorize');
  check(authorize, 'the "bearer" scheme has no Authorize button');
  await authorize.click();
  // Once authorized, the scheme offers Logout and no longer an input.
  await page.waitForFunction(
    (el) => [...el.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Logout'),
    {},
    bearer,
  );
  const text = await bearer.evaluate((el) => el.textContent);
  check(/Authorized/.test(text), `the "bearer" scheme does not say "Authorized": ${text.slice(0, 200)}`);
  await page.screenshot({ path: path.join(OUT, '01-authorized.png') });
  log(`  screenshot: ${path.join(OUT, '01-authorized.png')}`);
});

await step('close the Authorize dialog', async () => {
  const close = (await page.$('.swagger-ui .modal-ux button.btn-done')) ?? (await page.$('.swagger-ui .modal-ux .close-modal'));
  check(close, 'the Authorize dialog has no Close button');
  await close.click();
  await page.waitForSelector('.swagger-ui .dialog-ux', { hidden: true });
});

// GET /api/v1/me: who the token belongs to.
const me = await tryOperation('operations-auth-me', 'GET /api/v1/me');
await screenshotOperation('operations-auth-me', '02-me-executed.png');
await step('check the response shown for GET /api/v1/me', async () => {
  check(me.status === '200', `GET /api/v1/me: the page shows status ${me.status}, expected 200; body:\n${me.body.slice(0, 500)}`);
  check(/Authorization: Bearer /.test(me.curl), `GET /api/v1/me: the curl command shown sends no bearer token:\n${me.curl}`);
  const body = parseShownJson(me, 'GET /api/v1/me');
  check(body.email === EMAIL, `GET /api/v1/me: the body shows email ${JSON.stringify(body.email)}, expected ${EMAIL}`);
  check(body.role === 'admin', `GET /api/v1/me: the body shows role ${JSON.stringify(body.role)}, expected "admin"`);
});

// One list, with a parameter filled in.
const list = await tryOperation('operations-associations-list_associations', 'GET /api/v1/associations', { limit: 3 });
await screenshotOperation('operations-associations-list_associations', '03-associations-executed.png');
await step('check the response shown for GET /api/v1/associations', async () => {
  check(list.status === '200', `GET /api/v1/associations: the page shows status ${list.status}, expected 200; body:\n${list.body.slice(0, 500)}`);
  check(/[?&]limit=3(&|$)/.test(list.requestUrl), `GET /api/v1/associations: the request URL shown has no limit=3: ${list.requestUrl}`);
  const body = parseShownJson(list, 'GET /api/v1/associations');
  check(Array.isArray(body.items), 'GET /api/v1/associations: the body shown has no items array');
  check(body.items.length >= 1 && body.items.length <= 3, `GET /api/v1/associations: ${body.items.length} items shown for limit=3`);
  const demo = body.items.find((item) => item.slug === DEMO_SLUG);
  check(demo, `GET /api/v1/associations: the demo association "${DEMO_SLUG}" is not among the items shown: ${body.items.map((i) => i.slug).join(', ')}`);
  check(demo.short_name === DEMO_SHORT_NAME, `GET /api/v1/associations: "${DEMO_SLUG}" shows short_name ${JSON.stringify(demo.short_name)}, expected ${DEMO_SHORT_NAME}`);
});

await browser.close();
log('Swagger UI: Authorize, Try it out and Execute worked for GET /api/v1/me and GET /api/v1/associations');
