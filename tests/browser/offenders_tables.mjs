// The analyst's offender tables, in a real browser, against `schakel serve --demo`:
//   through the API, the demo police open an investigation of this run and register
//   five suspects today, hand them to the demo prosecution office, whose coordinator
//   accepts them, summons each and records a conviction of trafficking with prison of 2
//   to 4 years; the analyst switches to English, opens the offender tables from the
//   dashboard's link and, as the monitor counts them (asking again for at most 30
//   seconds), reads this year's registered suspects in the funnel; each of the four
//   tables has its chart (with its words) beside a real table with a caption, and a CSV
//   download that is the table's CSV; years out of order give the form again with the
//   message at the field (422); in Dutch the same page speaks Dutch.
// Every page is checked with axe-core at 1280 and 360 px wide (and for a page wider than
// the window) and saved as a screenshot. The suspects are new on every run, so the
// script runs again against the same server; it leaves the analyst reading Dutch.
import { accessible, api, base, expect, failed, heading, launch, login, logout, pagesChecked, token } from './lib.mjs';

const ANALYST = 'analyst@demo.schakel.invalid';
const POLICE = 'police@demo.schakel.invalid';
const PROSECUTION = 'prosecution@demo.schakel.invalid';
// The monitor's threshold in the browser run: five suspects show as a number.
const SUSPECTS = 5;
const YEAR = new Date().getUTCFullYear();
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 780 };
const run = String(Date.now() % 1000000);

// What the pages say, in the two languages the walk uses.
const T = {
  nl: {
    preferences: 'Voorkeuren', prefTitle: 'Uw voorkeuren',
    prefLanguage: 'Taal van de pagina\'s en van uw e-mails', prefSave: 'Voorkeuren opslaan',
    title: 'Dadertabellen', all: 'Alle vormen',
  },
  en: {
    preferences: 'Preferences', prefTitle: 'Your preferences',
    prefLanguage: 'Language of the pages and of your emails', prefSave: 'Save the preferences',
    dashboard: 'Dashboard', link: 'Offender tables: suspects from registration to judgment',
    title: 'Offender tables', show: 'Show', from: 'First year', to: 'Last year',
    order: 'The last year cannot be before the first.', all: 'All forms',
  },
};

function today() {
  return new Date().toISOString().slice(0, 10);
}

// Through the API: the suspects of this run, from registration to a conviction.
async function seed() {
  const police = await token(POLICE);
  const om = await token(PROSECUTION);
  const directory = await api('GET', '/api/v1/directory/agencies?kind=prosecution', police);
  expect(directory.status === 200 && directory.body.length > 0, 'the demo prosecution office');
  const to = directory.body[0].id;
  const inv = await api('POST', '/api/v1/investigations', police, {
    reference: `TAB-${run}`, region: 'midden_nederland', exploitation_forms: ['labour'], started_on: today(),
  });
  expect(inv.status === 201, `an investigation: ${JSON.stringify(inv.body)}`);
  const letters = 'abcdefghij';
  for (let n = 0; n < SUSPECTS; n++) {
    const s = await api('POST', `/api/v1/investigations/${inv.body.id}/suspects`, police, {
      identity: { given_names: 'Kees', family_name: `Tabel-${letters[n]}${run.replace(/[0-9]/g, (d) => letters[d])}`,
        date_of_birth: `198${n}-05-05`, nationalities: ['NL'] },
      country_of_birth: 'NL', gender: 'male', role: 'exploiter', registered_on: today(),
    });
    expect(s.status === 201, `suspect ${n}: ${JSON.stringify(s.body)}`);
    const referral = await api('POST', `/api/v1/suspects/${s.body.id}/referrals`, police, { to_agency_id: to });
    expect(referral.status === 201, `suspect ${n} handed over: ${JSON.stringify(referral.body)}`);
    const accepted = await api('POST', `/api/v1/suspect-referrals/${referral.body.id}/accept`, om, null, '"1"');
    expect(accepted.status === 200, `suspect ${n} accepted: ${JSON.stringify(accepted.body)}`);
    const decided = await api('POST', `/api/v1/suspects/${s.body.id}/decisions`, om, { decision: 'summons', decided_on: today() });
    expect(decided.status === 201, `suspect ${n} summoned: ${JSON.stringify(decided.body)}`);
    const judged = await api('POST', `/api/v1/suspects/${s.body.id}/judgments`, om, {
      instance: 'first_instance', outcome: 'convicted_trafficking', sentence: ['prison_2_to_4_years'], judged_on: today(),
    });
    expect(judged.status === 201, `suspect ${n} judged: ${JSON.stringify(judged.body)}`);
  }
}

// Switches the user's interface from `from` to `to` in the preferences, as a user does.
async function switchLanguage(page, from, to) {
  await page.getByRole('navigation').getByRole('link', { name: T[from].preferences, exact: true }).click();
  expect((await heading(page)) === T[from].prefTitle, `the preferences in ${from}`);
  await page.getByLabel(T[from].prefLanguage).selectOption(to);
  await page.getByRole('button', { name: T[from].prefSave }).click();
  expect((await heading(page)) === T[to].prefTitle, `the preferences now in ${to}`);
}

// Checks the page at both widths: no horizontal scroll, no serious accessibility issue.
async function bothWidths(page, name) {
  for (const size of [WIDE, PHONE]) {
    await page.setViewportSize(size);
    const extra = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(extra <= 0, `${name} at ${size.width} px: no horizontal scroll (${extra} px too wide)`);
    await accessible(page, `${name}-${size.width}`);
  }
  await page.setViewportSize(WIDE);
}

// The suspects registered this year, all forms, as the funnel shows them (0 while
// suppressed).
async function registered(page, all) {
  const row = page.locator('#funnel tbody tr').filter({
    has: page.locator('th', { hasText: String(YEAR) }),
  }).filter({ has: page.locator('th', { hasText: all }) });
  const first = row.first().locator('td').first();
  if ((await row.count()) === 0 || (await first.getAttribute('class')) !== 'num') return 0;
  return Number((await first.innerText()).replace(/[^0-9]/g, ''));
}

const browser = await launch();
let page;
try {
  await seed();
  const context = await browser.newContext({ locale: 'nl-NL', viewport: WIDE });
  page = await context.newPage();
  await login(page, ANALYST);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${base}/account/preferences`);
  if ((await heading(page)) === T.nl.prefTitle) await switchLanguage(page, 'nl', 'en');
  const en = T.en;

  // From the dashboard's link; the current year and the four before, as it comes.
  await page.getByRole('navigation').getByRole('link', { name: en.dashboard, exact: true }).click();
  await page.getByRole('link', { name: en.link }).click();
  expect((await heading(page)) === en.title, 'the offender tables');
  expect((await page.getByLabel(en.from).inputValue()) === String(YEAR - 4), 'four years back, as it comes');
  expect((await page.getByLabel(en.to).inputValue()) === String(YEAR), 'to this year');
  // The monitor is fed a moment after each step: ask again until the suspects of this
  // run are counted.
  for (let waited = 0; (await registered(page, en.all)) < SUSPECTS && waited < 30000; waited += 1000) {
    await page.waitForTimeout(1000);
    await page.reload();
  }
  expect((await registered(page, en.all)) >= SUSPECTS, `this run's suspects are counted (${await registered(page, en.all)})`);
  for (const id of ['funnel', 'durations', 'sentences', 'victims']) {
    const section = page.locator(`section#${id}`);
    expect((await section.locator('table caption').count()) === 1, `${id}: a table with its caption`);
    expect((await section.locator('th[scope="col"]').count()) >= 2, `${id}: column headers`);
    const chart = section.locator('.chart-svg[role="img"]');
    expect((await chart.getAttribute('aria-label')).includes(`${YEAR - 4} to ${YEAR}`), `${id}: the chart, with its words`);
    expect((await section.locator(`a[href^="/analyst/offenders/${id}.csv?"]`).count()) === 1, `${id}: the CSV download`);
  }
  await bothWidths(page, 'offenders-tables');

  // The CSV: the table with its definitions, as an attachment.
  const csv = await page.request.get(`${base}/analyst/offenders/funnel.csv?from=${YEAR - 4}&to=${YEAR}`);
  expect(csv.status() === 200, 'the CSV');
  expect(csv.headers()['content-type'] === 'text/csv; charset=utf-8', 'as CSV');
  expect((await csv.text()).startsWith('# version: '), 'the definitions first');
  expect((await csv.text()).includes(`\n${YEAR},all,registered,`), 'this year\'s registered suspects');

  // Years out of order: the form again with the message at the field.
  await page.getByLabel(en.from).fill(String(YEAR));
  await page.getByLabel(en.to).fill(String(YEAR - 1));
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/analyst/offenders?')),
    page.getByRole('button', { name: en.show, exact: true }).click(),
  ]);
  expect(answer.status() === 422, `years out of order: 422 (${answer.status()})`);
  expect(await page.locator('#to_year-error').getByText(en.order).isVisible(), 'the message at the last year');
  expect((await page.getByLabel(en.to).getAttribute('aria-invalid')) === 'true', 'the field marked');
  expect((await page.locator('section.panel').count()) === 0, 'no table');
  await bothWidths(page, 'offenders-tables-invalid');

  // In Dutch: the same page in Dutch words.
  await switchLanguage(page, 'en', 'nl');
  await page.goto(`${base}/analyst/offenders?from=${YEAR - 1}&to=${YEAR}`);
  expect((await heading(page)) === T.nl.title, 'the page in Dutch');
  expect((await registered(page, T.nl.all)) >= SUSPECTS, 'the suspects, in Dutch');
  await bothWidths(page, 'offenders-tables-dutch');
  await logout(page);
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
