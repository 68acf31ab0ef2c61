// The directory a referral is routed by, in a real browser and through the pages only,
// against `schakel serve --demo`:
//   the shelter's coordinator (Opvang De Haven) opens "Onze organisatie": the figure of
//   free places the demo reported ten days ago is marked as stale; she counts again (6 in
//   total, 4 free, "Opnieuw geteld" ticked), adds Romanian to the languages and saves:
//   the page confirms, names her and today, and no longer calls the figure stale;
//   the municipality's caseworker logs a signal for a man in his thirties who speaks
//   Romanian, opens the case, records his consent for shelter, and opens the referral
//   form with the suggestions for the purpose "opvang": De Haven fits and comes first,
//   its 4 of 6 places free reported today and Romanian among its languages, before
//   Vrouwenopvang Zonnehoek, which does not fit because it takes no men; she sends the
//   referral to De Haven for shelter;
//   the coordinator finds it in her inbox and declines it for lack of capacity, setting
//   her free places to 0 in the same step: her profile shows 0 free, reported today by
//   her, and the caseworker's suggestions now show De Haven without a free place, behind
//   Zonnehoek.
// Every page the walk stops at is checked with axe-core and saved as a screenshot. The
// person's name is new on every run and De Haven's places are set before they are
// looked at, so the script runs after the other scripts against the same server.
import { randomInt } from 'node:crypto';
import { accessible, base, expect, failed, heading, launch, login, logout, pagesChecked } from './lib.mjs';

const CASEWORKER = 'caseworker@demo.schakel.invalid';
const SHELTER_COORDINATOR = 'shelter@demo.schakel.invalid';
const COORDINATOR_NAME = 'Fatima el Amrani';
const SHELTER = 'Opvang De Haven';
const WOMEN_ONLY = 'Vrouwenopvang Zonnehoek';

// A family name of this run only (letters: a name holds no digits).
function suffix() {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  let s = '';
  for (let i = 0; i < 5; i++) s += consonants[randomInt(consonants.length)] + vowels[randomInt(vowels.length)];
  return s[0].toUpperCase() + s.slice(1);
}
const GIVEN = 'Ion';
const FAMILY = `Popescu-${suffix()}`;
// Thirty-five this year: the age band 30-39 whatever the day.
const BORN = `${new Date().getUTCFullYear() - 35}-04-12`;

// What the pages say (the demo users read Dutch).
const T = {
  home: 'Welkom', profileLink: 'Onze organisatie', profileTitle: 'Onze organisatie in de wegwijzer',
  reported: 'Laatst doorgegeven op', stale: 'Dit getal is ouder dan 7 dagen: tel opnieuw en sla op.',
  total: 'Plaatsen in totaal', free: 'Plaatsen vrij', confirmed: 'Opnieuw geteld (ook als het getal gelijk bleef)',
  languages: 'Talen die we spreken', save: 'Opslaan', saved: 'Opgeslagen. Verwijzers zien het vanaf nu in de wegwijzer.',
  signal: 'Signaal melden', submit: 'Signaal opslaan', caseTitle: 'Casus',
  refer: 'Deze casus naar een andere organisatie verwijzen', referTitle: 'De casus verwijzen',
  suggestFor: 'Suggesties voor het doel', show: 'Organisaties tonen',
  suggested: 'Organisaties voor deze persoon, de best passende eerst',
  fits: 'past', fitsNot: 'past niet', noMen: 'neemt dit gender niet op', noPlace: 'geen plaats vrij',
  staleMark: 'verouderd', romanian: 'Roemeens',
  agency: 'Organisatie', purpose: 'Doel', shelter: 'opvang', send: 'Verwijzing versturen',
  sent: `Verwijzing verstuurd naar ${SHELTER}`,
  inbox: 'Binnengekomen verwijzingen', reason: 'Reden', noCapacity: 'geen capaciteit',
  noPlaces: 'Bij de reden ‘geen capaciteit’: zet de vrije plaatsen van onze organisatie in de wegwijzer op 0',
  decline: 'Afwijzen',
  declined: 'Verwijzing afgewezen. De verwijzende organisatie krijgt bericht, met uw reden. In de wegwijzer staan uw vrije plaatsen nu op 0.',
  declinedState: 'afgewezen',
};

// A day as the pages show it: in Netherlands time.
function today() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(new Date());
}

// A date `days` before today, as a date field takes it.
function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

// Logs `email` in on a page of its own browser context.
async function signIn(browser, email) {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  const page = await context.newPage();
  await login(page, email);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  expect((await heading(page)).startsWith(T.home), `${email} is in, in Dutch`);
  return page;
}

// Opens the coordinator's profile from the menu; returns when and by whom the places were
// last reported, and whether the page calls that figure stale.
async function profile(page) {
  await page.getByRole('navigation').getByRole('link', { name: T.profileLink, exact: true }).click();
  await page.waitForURL(/\/agency\/profile/);
  expect((await heading(page)) === T.profileTitle, 'the agency\'s profile');
  const line = page.locator('#places-reported');
  expect((await line.count()) === 1, 'the page says when the places were last reported');
  const text = (await line.innerText()).trim();
  const m = new RegExp(`^${T.reported} (\\d{4}-\\d{2}-\\d{2}) \\d{2}:\\d{2} \\((vandaag|gisteren|\\d+ dagen geleden)\\) door (.+?)(\\. ${T.stale.replace(/[.:]/g, '\\$&')})?$`).exec(text);
  expect(m, `when and by whom (got ${JSON.stringify(text)})`);
  const stale = m[4] !== undefined;
  expect((await line.getAttribute('class')) === (stale ? 'error' : 'hint'), 'a stale figure stands out as a warning');
  return { day: m[1], age: m[2], who: m[3], stale };
}

// The rows of the suggestions on the case's referral form, with "opvang" chosen in its
// filter: for each agency, its name, whether and why it (does not) fit, its places and
// languages.
async function suggestions(page, caseUrl) {
  await page.goto(caseUrl);
  await page.getByRole('link', { name: T.refer }).click();
  expect((await heading(page)) === T.referTitle, 'the referral form');
  await page.getByLabel(T.suggestFor).selectOption({ label: T.shelter });
  await page.getByRole('button', { name: T.show }).click();
  await page.waitForURL(/[?&]purpose=shelter/);
  expect((await page.getByLabel(T.suggestFor).inputValue()) === 'shelter', 'the suggestions are for shelter');
  const table = page.getByRole('table', { name: T.suggested });
  expect((await table.count()) === 1, 'the suggestions are shown');
  const rows = [];
  for (const row of await table.locator('tbody tr').all()) {
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    const name = (await row.locator('th').innerText()).split('\n')[0].trim();
    rows.push({ name, fit: cells[0], places: cells[1], languages: cells[2] });
  }
  return rows;
}

// The row of `name` among the suggestions, and where it stands.
function row(rows, name) {
  const at = rows.findIndex((r) => r.name === name);
  expect(at >= 0, `${name} is among the suggestions (got ${rows.map((r) => r.name).join(', ')})`);
  return { at, ...rows[at] };
}

const browser = await launch();
let page;
try {
  // The shelter's coordinator: the figure of free places, stale while older than a week
  // (the demo's is ten days old; an earlier run of this script may have refreshed it).
  const shelter = await signIn(browser, SHELTER_COORDINATOR);
  page = shelter;
  const before = await profile(shelter);
  const age = Math.round((Date.parse(today()) - Date.parse(before.day)) / 86400000);
  if (age > 7) {
    expect(before.stale, `a figure of ${age} days ago is marked as stale`);
  } else if (age < 7) {
    expect(!before.stale, `a figure of ${age} days ago is not marked as stale`);
  }
  expect(before.age === (age === 0 ? 'vandaag' : age === 1 ? 'gisteren' : `${age} dagen geleden`),
    `the page says how old the figure is (got ${before.age})`);
  console.log(`De Haven's places were reported ${age} days ago${before.stale ? ', marked as stale' : ''}`);
  await accessible(shelter, 'profile');

  // She counts again and adds Romanian; the page confirms, with her name and today.
  await shelter.getByLabel(T.total, { exact: true }).fill('6');
  await shelter.getByLabel(T.free, { exact: true }).fill('4');
  await shelter.getByLabel(T.confirmed).check();
  const languages = shelter.getByLabel(T.languages, { exact: true });
  const spoken = (await languages.inputValue()).split(/[\s,;]+/).filter((l) => l && l !== 'ro');
  await languages.fill([...spoken, 'ro'].join(', '));
  await shelter.locator('form[action="/agency/profile"]').getByRole('button', { name: T.save, exact: true }).click();
  await shelter.waitForURL(/\/agency\/profile\?done=saved$/);
  expect((await shelter.getByRole('status').innerText()).trim() === T.saved, 'the saving is confirmed');
  const after = await profile(shelter);
  expect(after.day === today() && after.age === 'vandaag' && after.who === COORDINATOR_NAME,
    `reported today by ${COORDINATOR_NAME} (got ${after.day}, ${after.who})`);
  expect(!after.stale, 'the new figure is not stale');
  expect((await shelter.getByLabel(T.free, { exact: true }).inputValue()) === '4', 'four places free');
  expect((await shelter.getByLabel(T.total, { exact: true }).inputValue()) === '6', 'of six');
  expect((await languages.inputValue()).split(/[\s,]+/).includes('ro'), 'Romanian is among the languages');
  await accessible(shelter, 'profile-saved');

  // The caseworker logs a signal for a man of 35 who speaks Romanian.
  const muni = await signIn(browser, CASEWORKER);
  page = muni;
  await muni.getByRole('navigation').getByRole('link', { name: T.signal, exact: true }).click();
  expect((await heading(muni)) === T.signal, 'the signal form');
  await muni.locator('#observed_on').fill(daysAgo(1));
  await muni.locator('#region').selectOption('midden_nederland');
  await muni.locator('#form-labour').check();
  await muni.locator('#act').check();
  await muni.locator('#purpose').check();
  await muni.locator('#reporting_basis').selectOption('consent');
  await muni.locator('#given_names').fill(GIVEN);
  await muni.locator('#family_name').fill(FAMILY);
  await muni.locator('#date_of_birth').fill(BORN);
  await muni.locator('#gender').selectOption('male');
  await muni.locator('#languages').fill('ro');
  await muni.getByRole('button', { name: T.submit }).click();
  await muni.waitForURL(/\/cases\/[0-9a-f-]+\?done=signal_saved$/);
  const caseUrl = muni.url().replace('?done=signal_saved', '');
  expect((await heading(muni)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case opened from the signal');

  // His consent to be referred to a shelter, for shelter.
  await muni.locator('#kind-consent').check();
  await muni.locator('#recipient-shelter').check();
  await muni.locator('#purpose-shelter').check();
  await muni.locator('#given_by').selectOption('person');
  await muni.locator('#given_on').fill(daysAgo(1));
  await muni.locator('#form-consent button[type="submit"]').click();
  await muni.waitForLoadState();
  expect((await muni.getByRole('status').innerText()).startsWith('Toestemming vastgelegd.'), 'the consent is confirmed');

  // The suggestions for shelter: De Haven fits and comes first, Zonnehoek takes no men.
  let rows = await suggestions(muni, caseUrl);
  const haven = row(rows, SHELTER);
  const zonnehoek = row(rows, WOMEN_ONLY);
  expect(haven.at === 0, `${SHELTER} is the best fit (got ${rows[0].name} first)`);
  expect(haven.fit === T.fits, `${SHELTER} fits (got ${JSON.stringify(haven.fit)})`);
  expect(haven.places.startsWith(`4 van 6 vrij, doorgegeven op ${today()} `) && haven.places.includes('(vandaag)'),
    `its places, reported today (got ${JSON.stringify(haven.places)})`);
  expect(!haven.places.includes(T.staleMark), 'not stale');
  expect(haven.languages.includes(T.romanian), `it speaks Romanian (got ${JSON.stringify(haven.languages)})`);
  expect(zonnehoek.at > haven.at, `${WOMEN_ONLY} comes after ${SHELTER}`);
  expect(zonnehoek.fit === `${T.fitsNot}: ${T.noMen}`, `${WOMEN_ONLY} does not take men (got ${JSON.stringify(zonnehoek.fit)})`);
  expect(/^\d+ van \d+ vrij, doorgegeven op \d{4}-\d{2}-\d{2} \d{2}:\d{2} \((vandaag|gisteren|\d+ dagen geleden)\)/.test(zonnehoek.places),
    `its places and their age (got ${JSON.stringify(zonnehoek.places)})`);
  await accessible(muni, 'referral-suggestions');

  // She sends the referral to De Haven, for shelter (already chosen).
  const form = muni.locator('form[method="post"][action$="/referrals/new"]');
  const option = form.locator('select[name="to_agency"] option', { hasText: SHELTER });
  expect((await option.count()) === 1, `the form offers ${SHELTER}`);
  expect((await option.innerText()).endsWith(`— ${T.fits}`), 'marked as fitting');
  await form.getByLabel(T.agency, { exact: true }).selectOption(await option.getAttribute('value'));
  expect((await form.getByLabel(T.purpose, { exact: true }).inputValue()) === 'shelter',
    'the purpose the suggestions were asked for is the form\'s purpose');
  await form.getByRole('button', { name: T.send }).click();
  await muni.waitForURL(/\/referrals\/[0-9a-f-]+\?done=sent$/);
  const referral = new URL(muni.url()).pathname;
  expect((await muni.getByRole('status').innerText()).startsWith(T.sent), 'the sending is confirmed');

  // The coordinator finds it in her inbox (a page at a time) and declines it, with her
  // free places set to 0.
  page = shelter;
  await shelter.goto(`${base}/inbox`);
  expect((await heading(shelter)) === T.inbox, 'the inbox');
  for (let pages = 1; (await shelter.locator(`tbody a[href="${referral}"]`).count()) === 0; pages++) {
    const next = shelter.locator('a[rel="next"]');
    expect((await next.count()) === 1 && pages < 20, 'the referral is in the inbox');
    await next.click();
  }
  await shelter.locator(`tbody a[href="${referral}"]`).click();
  await shelter.waitForURL(`${base}${referral}`);
  expect((await heading(shelter)).endsWith(`→ ${SHELTER}`), 'the referral to the shelter');
  expect(!(await shelter.content()).includes(FAMILY), 'before accepting, the shelter sees no name');
  const decline = shelter.locator('#form-decline');
  await decline.getByLabel(T.reason, { exact: true }).selectOption({ label: T.noCapacity });
  await decline.getByLabel(T.noPlaces).check();
  await accessible(shelter, 'decline-form');
  await decline.getByRole('button', { name: T.decline }).click();
  await shelter.waitForLoadState();
  expect((await shelter.getByRole('status').innerText()).trim() === T.declined, 'the decline is confirmed, with the places at 0');
  expect(await shelter.getByText(T.declinedState, { exact: true }).isVisible(), 'declined');
  expect(await shelter.getByText(T.noCapacity, { exact: true }).isVisible(), 'for lack of capacity');
  await accessible(shelter, 'declined');
  const full = await profile(shelter);
  expect((await shelter.getByLabel(T.free, { exact: true }).inputValue()) === '0', 'no place free');
  expect((await shelter.getByLabel(T.total, { exact: true }).inputValue()) === '6', 'of six');
  expect(full.day === today() && full.who === COORDINATOR_NAME && !full.stale, 'reported today, by her');
  await accessible(shelter, 'profile-no-places');
  await logout(shelter);

  // The caseworker's suggestions: De Haven has no place free, and falls behind Zonnehoek.
  page = muni;
  rows = await suggestions(muni, caseUrl);
  const none = row(rows, SHELTER);
  expect(none.fit === `${T.fitsNot}: ${T.noPlace}`, `${SHELTER} has no place free (got ${JSON.stringify(none.fit)})`);
  expect(none.places.startsWith(`0 van 6 vrij, doorgegeven op ${today()} `), `reported today (got ${JSON.stringify(none.places)})`);
  expect(row(rows, WOMEN_ONLY).at < none.at, `${WOMEN_ONLY}, with places free, now comes before it`);
  await accessible(muni, 'referral-suggestions-no-place');
  await logout(muni);
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
