// What the browser tests share: the browser (Debian's Chromium through playwright-core),
// the accessibility check (axe-core: zero serious or critical violations) with a
// screenshot of every page checked, logging in through the form, and TOTP codes.
//
// Environment: BASE_URL (the server), BROWSER_TOOLS (the folder holding node_modules
// with playwright-core and axe-core), SCREENSHOTS (where the PNGs go), CHROMIUM.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';

export const base = process.env.BASE_URL;
const tools = process.env.BROWSER_TOOLS;
const shots = process.env.SCREENSHOTS;
if (!base || !tools || !shots) throw new Error('BASE_URL, BROWSER_TOOLS and SCREENSHOTS are required');
const require = createRequire(join(tools, 'package.json'));
const { chromium } = require('playwright-core');
// Evaluated through the browser's debugging protocol, so a page's content security
// policy (which allows no inline script) need not be bypassed to check it.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(shots, { recursive: true });

export const PASSWORD = 'oranje fiets lantaarn 42';
let checked = 0;

export function expect(condition, message) {
  if (!condition) throw new Error(`expected: ${message}`);
}

// Runs axe-core on the page; fails on any serious or critical violation; saves a
// screenshot named after the step.
export async function accessible(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) {
    console.error(`${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  }
  expect(bad.length === 0, `${name}: no serious or critical accessibility violations`);
  await page.screenshot({ path: join(shots, `${process.env.SHOT_PREFIX || ''}${String(++checked).padStart(2, '0')}-${name}.png`), fullPage: true });
}

export function pagesChecked() {
  return checked;
}

export async function heading(page) {
  return (await page.locator('h1').first().innerText()).trim();
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Logs in through the form (the ids of the login page, whatever the language).
export async function login(page, email) {
  await page.goto(`${base}/login`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/login"] button[type="submit"]').click();
}

export async function logout(page) {
  await page.locator('form[action="/logout"] button').click();
  await page.waitForURL(/\/login$/);
}

// The current code of an otpauth:// URI (RFC 6238: SHA-1, 6 digits, 30 s).
export function totp(uri) {
  const secret = new URL(uri).searchParams.get('secret');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

// The authenticator key of `email` once enrolled, kept beside the screenshots of this run
// so that a later script against the same server can log the user in again.
function keyFile(email) {
  return join(shots, `authenticator-${email}.txt`);
}

export function keepAuthenticator(email, uri) {
  writeFileSync(keyFile(email), uri, { mode: 0o600 });
}

// Logs in a user who must give a second factor: enrols the authenticator when the server
// asks (keeping its key), or else uses the key an earlier script of this run kept. A code
// is accepted once, so a refused one is tried again in the next 30-second step.
export async function loginWithCode(page, email) {
  await login(page, email);
  await page.waitForURL(/\/login\/code$/);
  let uri;
  if ((await page.locator('#otpauth').count()) > 0) {
    uri = await page.locator('#otpauth').getAttribute('href');
    keepAuthenticator(email, uri);
  } else {
    expect(existsSync(keyFile(email)), `the authenticator key of ${email} kept by an earlier script`);
    uri = readFileSync(keyFile(email), 'utf8');
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    await page.locator('#code').fill(totp(uri));
    await page.locator('form[action="/login/code"] button').click();
    await page.waitForLoadState();
    // A first enrolment shows the recovery codes once; the sign-in goes on from there.
    if ((await page.locator('#recovery-codes').count()) > 0) {
      await page.locator('#recovery-next').click();
      await page.waitForLoadState();
      return;
    }
    if (!page.url().endsWith('/login/code')) return;
    await page.waitForTimeout(30000 - (Date.now() % 30000) + 500);
  }
  throw new Error(`${email}: the authenticator code was not accepted`);
}

// What the page showed when a step failed: its address, heading and messages, and a
// screenshot `failed.png`.
export async function failed(page, error) {
  try {
    const alerts = await page.locator('[role="alert"], .error').allInnerTexts();
    console.error(`failed at ${page.url()}: ${error.message}\nheading: ${await heading(page)}\nmessages: ${alerts.join(' | ')}`);
    await page.screenshot({ path: join(shots, 'failed.png'), fullPage: true });
  } catch {
    // The page itself may be gone; the error says enough then.
  }
}

// A call of the JSON API (for setting up what a step needs without clicking through it).
export async function api(method, path, token, body, ifMatch) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (ifMatch) headers['if-match'] = ifMatch;
  const res = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, etag: res.headers.get('etag') };
}

// An access token of a demo user (a role without a second factor).
export async function token(email) {
  const res = await api('POST', '/api/v1/auth/login', null, { email, password: PASSWORD });
  expect(res.status === 200, `${email} logs in to the API`);
  return res.body.access_token;
}
