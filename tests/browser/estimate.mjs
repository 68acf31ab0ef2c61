// The analyst's multiple systems estimate, in a real browser, against
// `schakel serve --demo`:
//   through the API, the municipality's caseworker, the care coordinator and the
//   shelter log signals about 31 fictional persons of this run, observed last year, so
//   that the three lists overlap (8 seen by the municipality alone, 6 by care
//   coordination, 5 by the shelter, 4 by the first two, 3 and 3 by the other pairs, 2
//   by all three); the analyst switches to English, opens the estimate page from the
//   dashboard's link and submits the form as it comes (last year, the six default
//   lists): the result shows the registered persons, the overlap table and the
//   assumptions, and, since the demo has nobody on some of the default lists, the
//   reason there is no estimate; with every other kind of agency set to "not counted"
//   the estimate shows with its intervals, its model and a chart; in Dutch the same
//   page speaks Dutch; with the bootstrap ticked the BCa interval shows too.
// Every page is checked with axe-core at 1280 and 360 px wide (and for a page wider than
// the window) and saved as a screenshot. The persons are new on every run, so the script
// runs again against the same server; it leaves the analyst reading Dutch.
import { randomInt } from 'node:crypto';
import { accessible, api, base, expect, failed, heading, launch, login, logout, pagesChecked, token } from './lib.mjs';

const ANALYST = 'analyst@demo.schakel.invalid';
// The lists: who logs the signals, as a bit of the capture history.
const LOGGERS = ['caseworker@demo.schakel.invalid', 'coordinator@demo.schakel.invalid', 'shelter@demo.schakel.invalid'];
// Persons per capture history (bits: municipality, care coordination, shelter).
const HISTORIES = [[1, 8], [2, 6], [4, 5], [3, 4], [5, 3], [6, 3], [7, 2]];
// The kinds of agency of those three lists (with their sister kinds), kept in the form.
const KEPT = ['municipality', 'care_coordination', 'coordination_centre', 'shelter_categorical', 'shelter_other'];
const YEAR = new Date().getUTCFullYear() - 1;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 780 };

// What the pages say, in the two languages the walk uses.
const T = {
  nl: {
    home: 'Welkom', preferences: 'Voorkeuren', prefTitle: 'Uw voorkeuren',
    prefLanguage: 'Taal van de pagina\'s en van uw e-mails', prefSave: 'Voorkeuren opslaan',
    title: 'Schatting uit meerdere registraties', submit: 'Schatten', assumptions: 'Wat de schatting aanneemt',
    closed: 'De populatie is gesloten binnen de periode', range: ' tot ',
    bootstrap: 'Bootstrap-interval (1.000 herhalingen, duurt enkele seconden)', registered: 'Geregistreerd (op minstens één lijst)',
  },
  en: {
    home: 'Welcome', preferences: 'Preferences', prefTitle: 'Your preferences',
    prefLanguage: 'Language of the pages and of your emails', prefSave: 'Save the preferences',
    dashboard: 'Dashboard', link: 'Estimate how many persons no agency saw (multiple systems estimation)',
    title: 'Multiple systems estimate', submit: 'Estimate', assumptions: 'What the estimate assumes',
    closed: 'The population is closed within the period', range: ' to ',
    registered: 'Registered (seen on at least one list)',
  },
};

// A family name of this run only: letters (a name holds no digits).
function suffix() {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  let s = '';
  for (let i = 0; i < 5; i++) s += consonants[randomInt(consonants.length)] + vowels[randomInt(vowels.length)];
  return s[0].toUpperCase() + s.slice(1);
}
const RUN = suffix();

// Through the API: each person of HISTORIES signalled by the agency of each of its lists.
async function seed() {
  const tokens = [];
  for (const email of LOGGERS) tokens.push(await token(email));
  let n = 0;
  for (const [history, persons] of HISTORIES) {
    for (let p = 0; p < persons; p++) {
      n += 1;
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const family = `Schatting-${RUN}-${letters[Math.floor(n / 26)]}${letters[n % 26]}`;
      for (let list = 0; list < LOGGERS.length; list++) {
        if ((history & (1 << list)) === 0) continue;
        const signal = await api('POST', '/api/v1/signals', tokens[list], {
          observed_on: `${YEAR}-06-15`, region: 'midden_nederland', exploitation_forms: ['labour'],
          reporting_basis: 'consent',
          person: { identity: { given_names: 'Eva', family_name: family, date_of_birth: '1994-03-02' }, gender: 'female' },
        });
        expect(signal.status === 201, `signal of person ${n} by ${LOGGERS[list]}: ${JSON.stringify(signal.body)}`);
      }
    }
  }
  return n;
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

// The number the page gives for the persons registered.
async function registered(page) {
  return Number((await page.locator('#registered').innerText()).replace(/[^0-9]/g, ''));
}

const browser = await launch();
let page;
try {
  const persons = await seed();
  expect(persons === 31, `31 persons signalled (${persons})`);

  const context = await browser.newContext({ locale: 'nl-NL', viewport: WIDE });
  page = await context.newPage();
  await login(page, ANALYST);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${base}/account/preferences`);
  if ((await heading(page)) === T.nl.prefTitle) await switchLanguage(page, 'nl', 'en');
  const en = T.en;

  // From the dashboard's link to the form, as it comes.
  await page.getByRole('navigation').getByRole('link', { name: en.dashboard, exact: true }).click();
  await page.getByRole('link', { name: en.link }).click();
  expect((await heading(page)) === en.title, 'the estimate page');
  expect((await page.locator('#from_year').inputValue()) === String(YEAR), 'last year, as it comes');
  expect((await page.locator('#kind-police').inputValue()) === 'police_inspectorates', 'the default lists');
  await bothWidths(page, 'estimate-form');

  // The defaults: the monitor is fed a moment after each signal, so the analyst asks
  // again until this run's persons are all counted (at most 30 seconds).
  await page.getByRole('button', { name: en.submit }).click();
  await page.waitForURL(/\/analyst\/estimate\?/);
  const defaults = page.url();
  // Published counts are rounded down to a multiple of five.
  const counted = persons - (persons % 5);
  for (let waited = 0; (await registered(page)) < counted && waited < 30000; waited += 1000) {
    await page.waitForTimeout(1000);
    await page.goto(defaults);
  }
  expect((await registered(page)) >= counted, `the persons of this run are registered (${await registered(page)})`);
  expect(await page.getByText(en.registered).isVisible(), 'the registered persons');
  expect(await page.getByRole('heading', { name: en.assumptions }).isVisible(), 'the assumptions');
  expect(await page.getByText(en.closed).isVisible(), 'the closed population');
  const answered = (await page.locator('#total').count()) + (await page.locator('.refused[role="alert"]').count());
  expect(answered === 1, 'an estimate, or the reason there is none');
  expect((await page.locator('table.overlap tbody tr').count()) >= 3, 'the overlap table');
  await bothWidths(page, 'estimate-defaults');

  // Three lists: every other kind of agency not counted.
  for (const select of await page.locator('.kind-grid select').all()) {
    const id = await select.getAttribute('id');
    if (!KEPT.includes(id.replace('kind-', ''))) await select.selectOption('');
  }
  await page.getByRole('button', { name: en.submit }).click();
  await page.waitForURL(/\/analyst\/estimate\?/);
  const three = page.url();
  expect(await page.locator('#total').isVisible(), `an estimate for three lists: ${await page.locator('main').innerText()}`);
  const profile = (await page.locator('#profile-interval').innerText()).trim();
  expect(new RegExp(`^[0-9,]+${en.range}[0-9,]+$`).test(profile), `the profile interval (${profile})`);
  expect((await page.locator('table.models tbody tr').count()) === 2, 'the chosen and the independence model');
  const chart = page.locator('.chart-svg[role="img"]');
  expect((await chart.getAttribute('aria-label')).includes(`${YEAR}:`), 'the chart, with its words');
  expect((await page.locator('table.overlap thead th').count()) === 4, 'three lists and the persons');
  expect((await page.locator('a[href^="/analyst/estimate.csv?"]').count()) === 1, 'the CSV download');
  await bothWidths(page, 'estimate-three-lists');

  // In Dutch: the same estimate in Dutch words.
  await switchLanguage(page, 'en', 'nl');
  const nl = T.nl;
  await page.goto(three);
  expect((await heading(page)) === nl.title, 'the page in Dutch');
  expect(await page.getByRole('heading', { name: nl.assumptions }).isVisible(), 'the assumptions in Dutch');
  expect(await page.getByText(nl.closed).isVisible(), 'the closed population in Dutch');
  expect((await page.locator('#profile-interval').innerText()).includes(nl.range), 'the interval in Dutch');
  await bothWidths(page, 'estimate-dutch');

  // With the bootstrap: its interval, which is the one to publish.
  await page.getByLabel(nl.bootstrap).check();
  await page.getByRole('button', { name: nl.submit }).click();
  await page.waitForURL(/bootstrap=1000/, { timeout: 120000 });
  const bca = page.locator('#bootstrap-interval');
  expect(await bca.isVisible(), `the bootstrap interval: ${await page.locator('main').innerText()}`);
  expect((await bca.innerText()).includes('1.000 herhalingen'), 'a thousand resamples');
  await bothWidths(page, 'estimate-bootstrap');
  await logout(page);
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
