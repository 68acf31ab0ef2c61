// The signal form's check for a person already known, in a real browser and through the
// pages only, against `schakel serve --demo`:
//   the municipality's caseworker logs a signal for a fictional person, which opens a
//   case; on a new signal form the check ("Controleren op bekende casussen") finds that
//   case for the same family name and date of birth, with its reference, a link to it
//   and a button to attach the signal to it (and does not repeat it as a similar
//   person); a family name that sounds the same (Janssen for Jansen) born another day of
//   the same year finds it under similar persons only; another year of birth finds
//   nothing. She switches to English, resumes the checked form from its draft, checks
//   the same name and date of birth again and presses "Attach this signal to this case":
//   the signal's own page shows, leading to the case, whose timeline shows the signal
//   attached (in English and, back in Dutch, in Dutch); the case list finds one case for
//   the name, so no second person was made;
//   the shelter's coordinator (another agency) checks the same name and date of birth,
//   and the sound-alike: nothing is found, nothing of the municipality's case is on the
//   page; the coordinator discards the draft the check kept.
// Every page the walk stops at is checked with axe-core and saved as a screenshot. The
// person's name is new on every run, so the script runs again against the same server
// (and after the other scripts).
import { randomInt } from 'node:crypto';
import { accessible, base, expect, failed, heading, launch, login, logout, pagesChecked } from './lib.mjs';

const CASEWORKER = 'caseworker@demo.schakel.invalid';
const SHELTER_COORDINATOR = 'shelter@demo.schakel.invalid';

// A family name of this run only: letters (a name holds no digits), consonants of
// different sounds, so that names of other runs rarely sound alike.
function suffix() {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  let s = '';
  for (let i = 0; i < 5; i++) s += consonants[randomInt(consonants.length)] + vowels[randomInt(vowels.length)];
  return s[0].toUpperCase() + s.slice(1);
}
const RUN = suffix();
const GIVEN = 'Marieke';
const FAMILY = `Jansen-${RUN}`;
const BORN = '1990-06-15';
const SOUNDS_ALIKE = `Janssen-${RUN}`;
const SAME_YEAR = '1990-02-01';
const OTHER_YEAR = '1991-02-01';
const SUMMARY = `Intake (${RUN}): opnieuw gezien bij de distributiehal, zelfde werkgever.`;

// What the pages say, in the two languages the walk uses.
const T = {
  nl: {
    home: 'Welkom', preferences: 'Voorkeuren', prefTitle: 'Uw voorkeuren',
    prefLanguage: 'Taal van de pagina\'s en van uw e-mails', prefSave: 'Voorkeuren opslaan',
    signal: 'Signaal melden', observed: 'Datum van waarneming', region: 'Regio', labour: 'arbeidsuitbuiting',
    act: 'Een handeling', purpose: 'Een oogmerk van uitbuiting', basis: 'Grondslag van de melding',
    consent: 'toestemming van de persoon', summary: 'Samenvatting (niet verplicht)',
    given: 'Voornamen', family: 'Achternaam', born: 'Geboortedatum', gender: 'Gender', female: 'vrouw',
    submit: 'Signaal opslaan',
    known: 'Is de persoon al bekend?', check: 'Controleren op bekende casussen',
    none: 'Uw organisatie heeft geen casus van een persoon met deze achternaam en geboortedatum.',
    found: 'Uw organisatie heeft al een casus van een persoon met deze achternaam en geboortedatum.',
    similar: 'Vergelijkbare personen in uw organisatie', attach: 'Voeg dit signaal toe aan deze casus',
    savedTitle: 'Signaal opgeslagen', saved: 'Het signaal is opgeslagen.', toCase: 'Naar de casus',
    caseTitle: 'Casus', reference: 'Kenmerk', timeline: 'Tijdlijn', attached: 'signaal toegevoegd',
    opened: 'casus geopend',
    cases: 'Casussen', search: 'Een persoon zoeken', anyStatus: 'open of gesloten', showCases: 'Casussen tonen',
    drafts: 'Mijn concepten', discard: 'Weggooien', discarded: 'Het concept is weggegooid.',
  },
  en: {
    home: 'Welcome', preferences: 'Preferences', prefTitle: 'Your preferences',
    prefLanguage: 'Language of the pages and of your emails', prefSave: 'Save the preferences',
    signal: 'Log a signal', observed: 'Date observed', region: 'Region', labour: 'labour exploitation',
    act: 'An act', purpose: 'A purpose of exploitation', basis: 'Basis of reporting',
    consent: 'consent of the person', summary: 'Summary (optional)',
    given: 'Given names', family: 'Family name', born: 'Date of birth', gender: 'Gender', female: 'female',
    submit: 'Save the signal',
    known: 'Is the person already known?', check: 'Check for known cases',
    none: 'Your agency has no case of a person with this family name and date of birth.',
    found: 'Your agency already has a case of a person with this family name and date of birth.',
    similar: 'Similar persons in your agency', attach: 'Attach this signal to this case',
    savedTitle: 'Signal saved', saved: 'The signal was saved.', toCase: 'Open the case',
    caseTitle: 'Case', reference: 'Reference', timeline: 'Timeline', attached: 'signal attached',
    opened: 'case opened',
    cases: 'Cases', search: 'Find a person', anyStatus: 'open or closed', showCases: 'Show the cases',
    drafts: 'My drafts', discard: 'Discard', discarded: 'The draft was discarded.',
  },
};

// A date `days` before today, as a date field takes it.
function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

// Logs `email` in on a page of its own browser context; the interface is Dutch (a run
// that failed half way may have left the user in English).
async function signIn(browser, email) {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  const page = await context.newPage();
  await login(page, email);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${base}/account/preferences`);
  if ((await heading(page)) !== T.nl.prefTitle) await switchLanguage(page, 'en', 'nl');
  await page.goto(`${base}/`);
  expect((await heading(page)).startsWith(T.nl.home), `${email} is in, in Dutch`);
  return page;
}

// Switches the user's interface from `from` to `to` in the preferences, as a user does.
async function switchLanguage(page, from, to) {
  await page.getByRole('navigation').getByRole('link', { name: T[from].preferences, exact: true }).click();
  expect((await heading(page)) === T[from].prefTitle, `the preferences in ${from}`);
  await page.getByLabel(T[from].prefLanguage).selectOption(to);
  await page.getByRole('button', { name: T[from].prefSave }).click();
  expect((await heading(page)) === T[to].prefTitle, `the preferences now in ${to}`);
}

// Opens the signal form from the menu and fills in what was seen and the person.
async function newSignal(page, t, family, born) {
  await page.getByRole('navigation').getByRole('link', { name: t.signal, exact: true }).click();
  expect((await heading(page)) === t.signal, 'the signal form');
  await page.getByLabel(t.observed).fill(daysAgo(2));
  await page.getByLabel(t.region, { exact: true }).selectOption({ label: 'Midden-Nederland' });
  await page.getByLabel(t.labour, { exact: true }).check();
  await page.getByLabel(t.act).check();
  await page.getByLabel(t.purpose).check();
  await page.getByLabel(t.basis).selectOption({ label: t.consent });
  await page.getByLabel(t.summary).fill(SUMMARY);
  await page.getByLabel(t.given, { exact: true }).fill(GIVEN);
  await person(page, t, family, born);
  await page.getByLabel(t.gender, { exact: true }).selectOption({ label: t.female });
}

// Types the person's family name and date of birth on the signal form.
async function person(page, t, family, born) {
  await page.getByLabel(t.family, { exact: true }).fill(family);
  await page.getByLabel(t.born, { exact: true }).fill(born);
}

// Presses the check button; returns what it found: the section, its status line, the
// list of exact matches and the list of similar persons.
async function check(page, t) {
  await page.getByRole('button', { name: t.check }).click();
  await page.waitForURL(/\/signals\/new\/check$/);
  expect((await heading(page)) === t.signal, 'the signal form again, with what the check found');
  const section = page.getByRole('region', { name: t.known });
  expect((await section.count()) === 1, 'the check\'s section');
  return {
    section,
    status: (await section.getByRole('status').innerText()).trim(),
    exact: section.locator('ul:not([aria-labelledby])'),
    similar: section.getByRole('list', { name: t.similar }),
  };
}

// The known case `id` in a list of the check: its link and its attach button.
function entry(list, id) {
  const item = list.locator('li', { has: list.page().locator(`a[href="/cases/${id}"]`) });
  return { item, link: item.getByRole('link'), attach: item.locator(`button[name="attach_case"][value="${id}"]`) };
}

// What the definition list of the page gives for `term`.
async function fact(page, term) {
  const dd = page.locator('dl.facts dt', { hasText: new RegExp(`^${term}$`) }).first().locator('xpath=following-sibling::dd[1]');
  return (await dd.innerText()).trim();
}

// The entries of the case's timeline that say `what`.
function timeline(page, what) {
  return page.locator('ol.timeline li', { hasText: what });
}

// Searches the case list for the family name (open or closed cases); the rows found.
async function searchCases(page, t, family) {
  await page.getByRole('navigation').getByRole('link', { name: t.cases, exact: true }).click();
  expect((await heading(page)) === t.cases, 'the case list');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: t.anyStatus });
  await page.getByRole('group', { name: t.search }).getByLabel(t.family, { exact: true }).fill(family);
  await page.getByRole('button', { name: t.showCases }).click();
  await page.waitForURL(/\/cases\?/);
  return page.locator('tbody tr');
}

const browser = await launch();
let page;
try {
  // The caseworker logs a signal for a new person: saving it opens the case.
  const nl = T.nl;
  const en = T.en;
  const muni = await signIn(browser, CASEWORKER);
  page = muni;
  await newSignal(muni, nl, FAMILY, BORN);
  await accessible(muni, 'signal-form');
  await muni.getByRole('button', { name: nl.submit }).click();
  await muni.waitForURL(/\/cases\/[0-9a-f-]+\?done=signal_saved$/);
  const caseUrl = muni.url().replace('?done=signal_saved', '');
  const caseId = caseUrl.split('/').pop();
  expect((await heading(muni)) === `${nl.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case opened from the signal');
  const reference = await fact(muni, nl.reference);
  expect(/^\d{4}-\d{6,}$/.test(reference), `the case has a reference (got ${JSON.stringify(reference)})`);
  expect((await timeline(muni, nl.attached).count()) === 0, 'no signal attached yet');
  await accessible(muni, 'case-opened');

  // A new signal, the same family name and date of birth: the check finds the case.
  await newSignal(muni, nl, FAMILY, BORN);
  let found = await check(muni, nl);
  expect(found.status.startsWith(nl.found), `the check says the person is known (got ${JSON.stringify(found.status)})`);
  let known = entry(found.exact, caseId);
  expect((await known.item.count()) === 1, 'the case is listed as the same person');
  const linkText = (await known.link.innerText()).trim();
  expect(linkText.includes(`${GIVEN} ${FAMILY}`) && linkText.includes(`${nl.reference} ${reference}`),
    `named with its reference (got ${JSON.stringify(linkText)})`);
  expect((await known.attach.count()) === 1 && (await known.attach.innerText()).trim() === nl.attach,
    'with a button to attach the signal to it');
  expect((await entry(found.similar, caseId).item.count()) === 0, 'an exact match is not repeated as similar');
  expect((await muni.getByLabel(nl.family, { exact: true }).inputValue()) === FAMILY, 'the form as typed');
  expect((await muni.getByLabel(nl.summary).inputValue()) === SUMMARY, 'all of it');
  const draftId = await muni.locator('form[action="/signals/new"] input[name="draft_id"]').inputValue();
  expect(/^[0-9a-f-]{36}$/.test(draftId), `the check kept the form as a draft (got ${JSON.stringify(draftId)})`);
  await accessible(muni, 'check-exact-nl');

  // Janssen, born another day of the same year: a similar person, not the same one.
  await person(muni, nl, SOUNDS_ALIKE, SAME_YEAR);
  found = await check(muni, nl);
  expect(found.status === nl.none, `no exact match (got ${JSON.stringify(found.status)})`);
  expect((await entry(found.exact, caseId).item.count()) === 0, 'the case is not listed as the same person');
  expect((await found.similar.count()) === 1, 'similar persons are listed');
  known = entry(found.similar, caseId);
  expect((await known.item.count()) === 1, 'the case is among the similar persons');
  expect((await known.link.innerText()).includes(`${nl.reference} ${reference}`), 'with its reference');
  expect((await known.attach.count()) === 1, 'and a button to attach the signal to it');
  await accessible(muni, 'check-similar-nl');

  // Another year of birth: nothing.
  await person(muni, nl, SOUNDS_ALIKE, OTHER_YEAR);
  found = await check(muni, nl);
  expect(found.status === nl.none, `no exact match (got ${JSON.stringify(found.status)})`);
  expect((await found.similar.count()) === 0, 'no similar persons');
  expect((await found.section.locator('a[href^="/cases/"]').count()) === 0, 'no case at all');
  expect(!(await muni.content()).includes(caseId), 'the case is named nowhere on the page');
  await accessible(muni, 'check-other-year-nl');

  // In English she resumes the form from its draft, checks the same person again and
  // attaches the signal to the case.
  await switchLanguage(muni, 'nl', 'en');
  await muni.goto(`${base}/signals/new?draft=${draftId}`);
  expect((await heading(muni)) === en.signal, 'the signal form in English');
  expect((await muni.getByLabel(en.family, { exact: true }).inputValue()) === SOUNDS_ALIKE, 'resumed as last checked');
  await person(muni, en, FAMILY, BORN);
  found = await check(muni, en);
  expect(found.status.startsWith(en.found), `the person is known (got ${JSON.stringify(found.status)})`);
  known = entry(found.exact, caseId);
  expect((await known.item.count()) === 1, 'the case is listed as the same person');
  expect((await known.attach.innerText()).trim() === en.attach, 'with the attach button in English');
  await accessible(muni, 'check-exact-en');
  await known.attach.click();
  await muni.waitForURL(/\/signals\/[0-9a-f-]+$/);
  const signalUrl = muni.url();
  expect((await heading(muni)) === en.savedTitle, 'the signal\'s own page');
  expect((await muni.getByRole('status').innerText()).trim() === en.saved, 'the signal was saved');
  const toCase = muni.getByRole('link', { name: en.toCase });
  expect((await toCase.getAttribute('href')) === `/cases/${caseId}`, 'it leads to the case it was attached to');
  await accessible(muni, 'signal-attached-en');

  // The case shows the signal attached; no other case was opened for the person.
  await toCase.click();
  await muni.waitForURL(caseUrl);
  expect((await heading(muni)) === `${en.caseTitle}: ${GIVEN} ${FAMILY}`, 'the same case, the same person');
  expect((await timeline(muni, en.attached).count()) === 1, 'the timeline shows the signal attached');
  expect((await timeline(muni, en.opened).count()) === 1, 'after the case was opened, once');
  await accessible(muni, 'case-signal-attached-en');
  let rows = await searchCases(muni, en, FAMILY);
  expect((await rows.count()) === 1, `one case for ${FAMILY} (got ${await rows.count()})`);
  expect((await rows.getByRole('link', { name: `${GIVEN} ${FAMILY}` }).getAttribute('href')) === `/cases/${caseId}`,
    'the case the signal was attached to');
  await accessible(muni, 'case-search-one-en');
  rows = await searchCases(muni, en, SOUNDS_ALIKE);
  expect((await rows.count()) === 0, 'none for the sound-alike name, which was only checked');
  await accessible(muni, 'case-search-sound-alike-en');

  // The draft was finished with the signal; back in Dutch, the case says it in Dutch.
  await muni.goto(`${base}/signals/new?draft=${draftId}`);
  expect((await muni.getByLabel(en.family, { exact: true }).inputValue()) === '', 'the finished draft opens an empty form');
  await switchLanguage(muni, 'en', 'nl');
  await muni.goto(caseUrl);
  expect((await heading(muni)) === `${nl.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case in Dutch');
  expect((await timeline(muni, nl.attached).count()) === 1, 'the timeline shows the signal attached, in Dutch');
  await accessible(muni, 'case-signal-attached-nl');
  await muni.goto(signalUrl);
  expect((await heading(muni)) === nl.savedTitle, 'the attached signal\'s page in Dutch');
  expect((await muni.getByRole('link', { name: nl.toCase }).getAttribute('href')) === `/cases/${caseId}`, 'leading to the case');
  await logout(muni);

  // Another agency: the shelter's coordinator checks the same person, and the sound-alike.
  const shelter = await signIn(browser, SHELTER_COORDINATOR);
  page = shelter;
  await newSignal(shelter, nl, FAMILY, BORN);
  found = await check(shelter, nl);
  expect(found.status === nl.none, `another agency's case is not found (got ${JSON.stringify(found.status)})`);
  expect((await found.section.locator('a[href^="/cases/"]').count()) === 0, 'no case is listed');
  expect((await found.section.locator('button[name="attach_case"]').count()) === 0, 'nothing to attach to');
  let content = await shelter.content();
  expect(!content.includes(caseId) && !content.includes(reference), 'nothing of the municipality\'s case on the page');
  await accessible(shelter, 'shelter-check-exact');
  await person(shelter, nl, SOUNDS_ALIKE, SAME_YEAR);
  found = await check(shelter, nl);
  expect(found.status === nl.none, `no exact match (got ${JSON.stringify(found.status)})`);
  expect((await found.similar.count()) === 0, 'nor a similar person of another agency');
  content = await shelter.content();
  expect(!content.includes(caseId) && !content.includes(reference), 'nothing of the municipality\'s case on the page');
  await accessible(shelter, 'shelter-check-similar');

  // The coordinator does not log the signal: she discards the draft the check kept.
  const shelterDraft = await shelter.locator('form[action="/signals/new"] input[name="draft_id"]').inputValue();
  expect(/^[0-9a-f-]{36}$/.test(shelterDraft), 'the check kept the form as a draft');
  await shelter.getByRole('navigation').getByRole('link', { name: nl.drafts, exact: true }).click();
  expect((await heading(shelter)) === nl.drafts, 'My drafts');
  const row = shelter.locator('tbody tr', { has: shelter.locator(`a[href*="draft=${shelterDraft}"]`) });
  expect((await row.count()) === 1, 'the checked form is under My drafts');
  await row.getByRole('button', { name: nl.discard }).click();
  await shelter.waitForURL(`${base}/drafts?done=discarded`);
  expect((await shelter.getByRole('status').innerText()).trim() === nl.discarded, 'the discarding is confirmed');
  await accessible(shelter, 'shelter-draft-discarded');
  await logout(shelter);
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
