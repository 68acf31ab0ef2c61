// Every page of every role, in a real browser, against `schakel serve --demo` after the
// other scripts have filled it: each demo role signs in and follows every link it is
// shown, from its home page on (one page of each kind: addresses that differ only in an
// id or a query value are the same kind), at 1280 px and again at 360 px. On every page:
// an HTML answer without a server error (nor for anything the page loads), no console
// error, no horizontal scroll of the page itself (wide tables scroll in their own box),
// axe-core with no serious or critical violation, and a screenshot at each width. Then
// every role visits the navigation links of every other role and a set of unknown
// addresses: each answers an HTML page with the status it should (200 for its own links,
// 403 or 404 for others', 404 for an unknown address), never raw JSON; a visitor who is
// not signed in is sent to the login page.
import {
  accessible, base, expect, failed, launch, login, loginWithCode, pagesChecked,
} from './lib.mjs';

const ROLES = [
  { email: 'caseworker@demo.schakel.invalid', name: 'caseworker' },
  { email: 'coordinator@demo.schakel.invalid', name: 'coordinator' },
  { email: 'shelter@demo.schakel.invalid', name: 'shelter' },
  { email: 'analyst@demo.schakel.invalid', name: 'analyst' },
  { email: 'auditor@demo.schakel.invalid', name: 'auditor' },
  { email: 'admin@demo.schakel.invalid', name: 'admin', code: true },
];
const UNKNOWN = ['/nergens', '/cases/geen-id', '/cases/00000000-0000-4000-8000-000000000000',
  '/referrals/00000000-0000-4000-8000-000000000000', '/signals/123', '/admin/onbekend', '/analyst/onbekend'];
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 780 };
// Links that are not pages: downloads, chart images, the API, static files.
const NOT_A_PAGE = [/\/download$/, /\/person-record$/, /\.csv$/, /\.svg$/, /^\/api\//, /^\/static\//, /^\/logout/];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const LIMIT = 80;

// The kind of page an address is: its path with ids replaced, and the names of its query.
function kind(url) {
  const keys = [...url.searchParams.keys()].sort().join('&');
  return `${url.pathname.replace(UUID, '{id}')}?${keys}`;
}

// The pixels the page is wider than the window, and the widest elements that cause it
// (outside boxes that scroll on their own).
async function overflow(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const extra = root.scrollWidth - root.clientWidth;
    if (extra <= 0) return { extra: 0, culprits: [] };
    // The outermost elements reaching past the window, outside boxes that scroll.
    const culprits = [];
    const past = (el) => el.getBoundingClientRect().right > root.clientWidth + 1;
    for (const el of document.body.querySelectorAll('*')) {
      if (!past(el) || (el.parentElement !== document.body && past(el.parentElement))) continue;
      let scrolls = false;
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) scrolls = true;
      }
      if (!scrolls) culprits.push(`${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent || '').trim().slice(0, 40)}`);
    }
    return { extra, culprits: culprits.slice(0, 6) };
  });
}

// Watches a page for console errors and server errors of anything it loads.
function watch(page) {
  const seen = [];
  page.on('console', (m) => { if (m.type() === 'error') seen.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => seen.push(`script: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 500) seen.push(`${r.status()} ${r.url()}`); });
  return seen;
}

// Opens `path`, checks it at both widths, and returns the links it shows.
async function visit(page, seen, role, path, n) {
  const answer = await page.goto(`${base}${path}`);
  const type = answer.headers()['content-type'] || '';
  expect(type.startsWith('text/html'), `${role} ${path}: an HTML page (${type})`);
  expect(answer.status() < 400, `${role} ${path}: answered ${answer.status()}`);
  const name = `${role}-${String(n).padStart(2, '0')}-${path.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`;
  for (const size of [WIDE, PHONE]) {
    await page.setViewportSize(size);
    const wide = await overflow(page);
    expect(wide.extra <= 0, `${role} ${path} at ${size.width} px: no horizontal scroll (${wide.extra} px too wide: ${wide.culprits.join(', ')})`);
    await accessible(page, `${name}-${size.width}`);
  }
  await page.setViewportSize(WIDE);
  expect(seen.length === 0, `${role} ${path}: no errors (${seen.join('; ')})`);
  return page.locator('a[href]').evaluateAll((links) => links.map((a) => a.href));
}

// Follows every link the role is shown, one page of each kind.
async function tour(page, seen, role) {
  const kinds = new Set();
  const queue = ['/'];
  let n = 0;
  while (queue.length > 0 && n < LIMIT) {
    const path = queue.shift();
    n += 1;
    for (const href of await visit(page, seen, role, path, n)) {
      const url = new URL(href);
      if (url.origin !== new URL(base).origin) continue;
      if (NOT_A_PAGE.some((p) => p.test(url.pathname))) continue;
      const k = kind(url);
      if (kinds.has(k) || k === kind(new URL(`${base}${path}`))) continue;
      kinds.add(k);
      queue.push(url.pathname + url.search);
    }
  }
  expect(queue.length === 0, `${role}: fewer than ${LIMIT} kinds of page`);
  return n;
}

async function navLinks(page) {
  await page.goto(`${base}/`);
  return page.locator('header nav a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
}

// An address answers an HTML page with one of the statuses expected.
async function answers(page, who, path, statuses) {
  const answer = await page.goto(`${base}${path}`);
  const type = answer.headers()['content-type'] || '';
  expect(type.startsWith('text/html'), `${who} ${path}: an HTML page, not ${type}`);
  expect(statuses.includes(answer.status()), `${who} ${path}: ${statuses.join(' or ')}, not ${answer.status()}`);
  expect((await page.locator('h1').count()) === 1, `${who} ${path}: a page with a heading`);
}

const browser = await launch();
let page;
try {
  const nav = {};
  for (const role of ROLES) {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: WIDE });
    page = await context.newPage();
    const seen = watch(page);
    if (role.code) await loginWithCode(page, role.email);
    else await login(page, role.email);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    nav[role.name] = await navLinks(page);
    const pages = await tour(page, seen, role.name);
    console.log(`${role.name}: ${pages} kinds of page at 1280 and 360 px`);
    role.context = context;
    role.page = page;
  }
  const every = [...new Set(Object.values(nav).flat())];
  for (const role of ROLES) {
    page = role.page;
    for (const link of every) {
      await answers(page, role.name, link, nav[role.name].includes(link) ? [200] : [200, 403, 404]);
    }
    for (const path of UNKNOWN) await answers(page, role.name, path, [404]);
    await role.context.close();
  }
  const context = await browser.newContext({ locale: 'nl-NL' });
  page = await context.newPage();
  for (const link of every.filter((l) => l !== '/help')) {
    await page.goto(`${base}${link}`);
    expect(new URL(page.url()).pathname === '/login', `a visitor at ${link} is sent to the login page`);
  }
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
