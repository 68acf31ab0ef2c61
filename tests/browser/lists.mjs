// The referral lists past one page, in a real browser, against `schakel serve --demo`:
// the municipality sends more referrals to the shelter than one page holds (through the
// API), the shelter declines one; its coordinator's inbox shows the open ones a page at
// a time, the last one sent reachable on the next page, and the declined one under the
// ended referrals; the caseworker's list of sent referrals pages the same way, and an
// address typed wrong is the error page. Every page visited is checked with axe-core and
// saved as a screenshot.
import {
  accessible, api, base, expect, failed, heading, launch, login, logout, pagesChecked, token,
} from './lib.mjs';

// More than the fifty a page holds.
const SENT = 56;

// Through the API: `n` persons referred by the municipality to the shelter; returns the
// referral ids in the order they were sent.
async function referToTheShelter(n) {
  const caseworker = await token('caseworker@demo.schakel.invalid');
  const directory = await api('GET', '/api/v1/directory/agencies?kind=shelter_categorical', caseworker);
  const to = directory.body.find((a) => a.name === 'Opvang De Haven').id;
  const ids = [];
  for (let i = 0; i < n; i++) {
    const signal = await api('POST', '/api/v1/signals', caseworker, {
      observed_on: '2026-10-05', region: 'midden_nederland', exploitation_forms: ['labour'],
      reporting_basis: 'consent',
      person: { identity: { given_names: `Lijst ${i}`, family_name: `Lijsttest${i}`, date_of_birth: '1991-02-03' }, gender: 'female' },
    });
    expect(signal.status === 201, `signal ${i}: ${JSON.stringify(signal.body)}`);
    const opened = await api('POST', '/api/v1/cases', caseworker, { signal_id: signal.body.id });
    expect(opened.status === 201, `case ${i}: ${JSON.stringify(opened.body)}`);
    const referral = await api('POST', `/api/v1/cases/${opened.body.id}/referrals`, caseworker,
      { to_agency_id: to, purpose: 'shelter', urgency: 'normal' });
    expect(referral.status === 201, `referral ${i}: ${JSON.stringify(referral.body)}`);
    ids.push(referral.body.id);
  }
  return ids;
}

// The referral ids linked from the rows of the list on the page.
async function listed(page) {
  const hrefs = await page.locator('tbody a[href^="/referrals/"]').evaluateAll(
    (links) => links.map((a) => a.getAttribute('href')),
  );
  return hrefs.map((h) => h.replace('/referrals/', ''));
}

// Every referral of a list, following its "next page" links from `start`.
async function everyPage(page, start, name) {
  await page.goto(`${base}${start}`);
  const all = [];
  let pages = 0;
  for (;;) {
    pages += 1;
    const ids = await listed(page);
    expect(ids.length <= 50, `${name}: at most fifty on a page`);
    all.push(...ids);
    await accessible(page, `${name}-page-${pages}`);
    const next = page.locator('a[rel="next"]');
    if ((await next.count()) === 0) break;
    await next.click();
    expect(pages < 20, `${name}: the pages end`);
  }
  return { all, pages };
}

const browser = await launch();
let page;
try {
  const ids = await referToTheShelter(SENT);
  const shelter = await token('shelter@demo.schakel.invalid');
  const declined = await api('POST', `/api/v1/referrals/${ids[0]}/decline`, shelter,
    { reason: 'no_capacity' }, '"1"');
  expect(declined.status === 200, `declined: ${JSON.stringify(declined.body)}`);

  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  page = await context.newPage();

  // The shelter's coordinator: the open referrals, a page at a time.
  await login(page, 'shelter@demo.schakel.invalid');
  await page.goto(`${base}/inbox`);
  expect((await heading(page)) === 'Binnengekomen verwijzingen', 'the inbox');
  expect((await page.locator('tbody tr').count()) === 50, 'the first page is full');
  expect(await page.getByRole('link', { name: 'Volgende pagina' }).isVisible(), 'a next page is offered');
  const inbox = await everyPage(page, '/inbox', 'inbox');
  expect(inbox.pages >= 2, 'the open referrals take more than one page');
  expect(new Set(inbox.all).size === inbox.all.length, 'no referral is listed twice');
  for (const id of ids.slice(1)) expect(inbox.all.includes(id), `open referral ${id} is in the inbox`);
  expect(inbox.all.includes(ids[ids.length - 1]), 'the last one sent is reachable');
  expect(!inbox.all.includes(ids[0]), 'the declined one is not among the open ones');

  // The ended ones, a click away.
  await page.goto(`${base}/inbox`);
  await page.getByRole('link', { name: 'Afgerond' }).click();
  const ended = await listed(page);
  expect(ended.includes(ids[0]), 'the declined referral is among the ended ones');
  await accessible(page, 'inbox-ended');
  await logout(page);

  // The caseworker's sent referrals page the same way.
  await login(page, 'caseworker@demo.schakel.invalid');
  const outgoing = await everyPage(page, '/outgoing', 'outgoing');
  expect(outgoing.pages >= 2, 'the sent referrals take more than one page');
  for (const id of ids.slice(1)) expect(outgoing.all.includes(id), `sent referral ${id} is listed`);
  await page.goto(`${base}/outgoing?view=closed`);
  expect((await listed(page)).includes(ids[0]), 'the declined referral is among the ended ones');

  // An address typed wrong: the error page in the user's language, not the API's JSON.
  const unknown = await page.goto(`${base}/verwijzingen`);
  expect(unknown.status() === 404, `an unknown address: ${unknown.status()}`);
  expect(unknown.headers()['content-type'].startsWith('text/html'), 'a page, not JSON');
  expect((await heading(page)) === 'Er klopt iets niet', 'the error page, in Dutch');
  await accessible(page, 'not-found');
  await logout(page);
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
