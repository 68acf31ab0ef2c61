// A caseworker's working week across three agencies, in a real browser and through the
// pages only, against `schakel serve --demo`:
//   the municipality's caseworker logs a signal for a fictional person, finds the case
//   in the case list by family name and date of birth, corrects the date of birth (the
//   search then finds the corrected date, the record of corrections keeps the earlier
//   one), writes a note for her own agency and one shared with the agencies working on
//   the case, records the person's consent to share with a shelter and refers the case
//   to the shelter from its page;
//   the shelter's coordinator accepts from the inbox, reads the municipality's case (the
//   shared note, not the own-agency one), opens the shelter's own case from the referral
//   page without typing the identity (the corrected date of birth came along, and the
//   case says where it came from) and makes the shelter's caseworker responsible;
//   that caseworker finds the case under My cases, writes a note and refers the person
//   onward to legal aid, whose coordinator accepts (and sees the case without the
//   identity, which no consent of the shelter's case covers);
//   the path between agencies shows on every case as far as each agency may see it: the
//   municipality reads the shelter by name and the legal-aid hop by kind only, and never
//   the shelter's notes; the shelter reads both hops by name.
// The users switch the interface to English and back in their preferences, so the case
// with its path, the referral page with its button to open the own case, the caseload
// and My cases are seen in Dutch and in English. Every page the walk stops at is checked
// with axe-core and saved as a screenshot. The person's name is new on every run, so the
// script runs again against the same server (and after the other scripts).
import { accessible, base, expect, failed, heading, launch, login, logout, pagesChecked } from './lib.mjs';

const MUNICIPALITY_CASEWORKER = 'caseworker@demo.schakel.invalid';
const SHELTER_COORDINATOR = 'shelter@demo.schakel.invalid';
const SHELTER_CASEWORKER = 'shelter.caseworker@demo.schakel.invalid';
const SHELTER_CASEWORKER_NAME = 'Noor Hendriks';
const LEGAL_AID_COORDINATOR = 'legalaid@demo.schakel.invalid';
const MUNICIPALITY = 'Gemeente Utrecht';
const SHELTER = 'Opvang De Haven';
const LEGAL_AID = 'Rechtshulp Het Anker';

// A family name of this run only (letters: a name holds no digits).
const run = Date.now().toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
const GIVEN = 'Ilse';
const FAMILY = `Weekroute-${run[0].toUpperCase()}${run.slice(1)}`;
const BORN = '1994-03-12';
const CORRECTED = '1994-03-21';
const OWN_NOTE = `Alleen voor de gemeente (${run}): de werkgever belde over achterstallig loon.`;
const SHARED_NOTE = `Gedeeld (${run}): zij wil vandaag nog onderdak, spreekt Pools en wat Engels.`;
const SHELTER_NOTE = `Opvang (${run}): intakegesprek gehouden, kamer toegewezen.`;

// A date `days` before today, as a date field takes it.
function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

// What the pages say, in the two languages the walk uses.
const T = {
  nl: {
    home: 'Welkom', preferences: 'Voorkeuren', prefTitle: 'Uw voorkeuren',
    prefLanguage: 'Taal van de pagina\'s en van uw e-mails', prefSave: 'Voorkeuren opslaan',
    cases: 'Casussen', myCases: 'Mijn casussen', caseload: 'Werkverdeling', inbox: 'Binnengekomen verwijzingen',
    caseTitle: 'Casus', dateOfBirth: 'Geboortedatum',
    refer: 'Deze casus naar een andere organisatie verwijzen', referTitle: 'De casus verwijzen',
    kindOfAgency: 'Soort organisatie', showAgencies: 'Organisaties tonen', agency: 'Organisatie',
    purpose: 'Doel', urgency: 'Urgentie', message: 'Bericht aan de organisatie (niet verplicht)',
    send: 'Verwijzing versturen', referralTitle: 'Verwijzing',
    accept: 'Accepteren', accepted: 'geaccepteerd', toCase: 'Naar de casus',
    openOwnCase: 'Eigen casus openen uit deze verwijzing', ownCase: 'Onze eigen casus',
    openedOnward: 'De eigen casus van uw organisatie is geopend uit de verwijzing.',
    cameFrom: 'Deze casus is geopend uit een verwijzing van',
    worker: 'Medewerker', saveWorker: 'Verantwoordelijke opslaan', responsible: 'Verantwoordelijke',
    assigned: 'Wie verantwoordelijk is voor deze casus, is opgeslagen.', caseworkerRole: 'casemanager',
    chain: 'De route van de persoon langs organisaties', ourCase: 'Onze casus', notOurs: 'niet voor ons in te zien',
    unnamed: 'naam niet getoond', municipality: 'gemeente', shelter: 'categorale opvang', legalAid: 'rechtshulp',
    shelterPurpose: 'opvang', legalAidPurpose: 'rechtshulp', urgent: 'spoed', normal: 'normaal',
    notes: 'Aantekeningen', noteKind: 'Waar gaat het over', noteDate: 'Datum waarop het gebeurde',
    noteWho: 'Wie mag het lezen', noteText: 'Aantekening', noteAdd: 'Aantekening toevoegen',
    noteAdded: 'De aantekening is toegevoegd.', ownAgency: 'alleen de eigen organisatie',
    shared: 'ook zichtbaar voor organisaties die deze casus delen', phoneCall: 'telefoongesprek',
    contact: 'contact met de persoon', meeting: 'overleg',
    withheld: 'De identiteit wordt niet met uw organisatie gedeeld', corrections: 'Correcties',
  },
  en: {
    home: 'Welcome', preferences: 'Preferences', prefTitle: 'Your preferences',
    prefLanguage: 'Language of the pages and of your emails', prefSave: 'Save the preferences',
    cases: 'Cases', myCases: 'My cases', caseload: 'Caseload', inbox: 'Incoming referrals',
    caseTitle: 'Case', dateOfBirth: 'Date of birth',
    refer: 'Refer this case to another agency', referTitle: 'Refer the case',
    kindOfAgency: 'Kind of agency', showAgencies: 'Show agencies', agency: 'Agency',
    purpose: 'Purpose', urgency: 'Urgency', message: 'Message to the agency (optional)',
    send: 'Send the referral', referralTitle: 'Referral',
    accept: 'Accept', accepted: 'accepted', toCase: 'Open the case',
    openOwnCase: 'Open our own case from this referral', ownCase: 'Our own case',
    openedOnward: 'Your agency\'s own case was opened from the referral.',
    cameFrom: 'This case was opened from a referral by',
    worker: 'Worker', saveWorker: 'Save the responsible worker', responsible: 'Responsible',
    assigned: 'Who is responsible for this case has been saved.', caseworkerRole: 'caseworker',
    chain: 'The person\'s path between agencies', ourCase: 'Our case', notOurs: 'not ours to see',
    unnamed: 'name not shown', municipality: 'municipality', shelter: 'categorical shelter', legalAid: 'legal aid',
    shelterPurpose: 'shelter', legalAidPurpose: 'legal aid', urgent: 'urgent', normal: 'normal',
    notes: 'Notes', noteKind: 'What it records', noteDate: 'Date it happened',
    noteWho: 'Who may read it', noteText: 'Note', noteAdd: 'Add the note',
    noteAdded: 'The note was added.', ownAgency: 'own agency only',
    shared: 'also visible to agencies sharing this case', phoneCall: 'phone call',
    contact: 'contact with the person', meeting: 'meeting',
    withheld: 'The identity is not shared with your agency', corrections: 'Corrections',
  },
};

// An agency with its kind, as the path between agencies names it.
const named = (agency, kind) => `${agency} (${kind})`;
const unnamed = (t, kind) => `${kind} (${t.unnamed})`;

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

// Follows the inbox's pages to the referral `id` and opens it.
async function openFromInbox(page, t, id, name) {
  await page.getByRole('navigation').getByRole('link', { name: 'Inbox', exact: true }).click();
  expect((await heading(page)) === t.inbox, 'the inbox');
  for (let pages = 1; ; pages++) {
    const link = page.locator(`tbody a[href="/referrals/${id}"]`);
    if ((await link.count()) === 1) {
      await accessible(page, `${name}-inbox`);
      await link.click();
      expect((await heading(page)).startsWith(t.referralTitle), 'the referral page');
      return;
    }
    const next = page.locator('a[rel="next"]');
    expect((await next.count()) === 1 && pages < 20, `referral ${id} is in the inbox`);
    await next.click();
  }
}

// Refers the case on the page to `agency` of `kind` from the case page: the directory
// filtered by kind, then the referral form. Returns the referral's id.
async function refer(page, t, kind, agency, purpose, urgency, message) {
  await page.getByRole('link', { name: t.refer }).click();
  expect((await heading(page)) === t.referTitle, 'the referral form');
  await page.getByLabel(t.kindOfAgency, { exact: true }).selectOption({ label: kind });
  await page.getByRole('button', { name: t.showAgencies }).click();
  // The directory names each agency with its kind and region.
  const option = page.getByLabel(t.agency, { exact: true }).locator('option', { hasText: `${agency} (${kind},` });
  expect((await option.count()) === 1, `the directory lists ${agency} among the ${kind} agencies`);
  await page.getByLabel(t.agency, { exact: true }).selectOption(await option.getAttribute('value'));
  await page.getByLabel(t.purpose, { exact: true }).selectOption({ label: purpose });
  await page.getByRole('group', { name: t.urgency }).getByLabel(urgency, { exact: true }).check();
  await page.getByLabel(t.message).fill(message);
  await page.getByRole('button', { name: t.send }).click();
  await page.waitForURL(/\/referrals\/[0-9a-f-]+\?done=sent$/);
  expect((await heading(page)).includes(agency), `the referral to ${agency} is sent`);
  return page.url().split('?')[0].split('/').pop();
}

// Adds a note on the case page.
async function addNote(page, t, kind, visibility, text) {
  const before = page.url().split('?')[0];
  await page.getByLabel(t.noteKind).selectOption({ label: kind });
  await page.getByLabel(t.noteDate).fill(daysAgo(1));
  await page.getByRole('group', { name: t.noteWho }).getByLabel(visibility, { exact: true }).check();
  await page.getByLabel(t.noteText, { exact: true }).fill(text);
  await page.getByRole('button', { name: t.noteAdd }).click();
  await page.waitForLoadState();
  expect(page.url().startsWith(before), 'back on the case page');
  expect((await page.getByRole('status').filter({ hasText: t.noteAdded }).count()) === 1, 'the note was added');
}

// The notes on the case page, as text.
async function notesOf(page, t) {
  return page.getByRole('region', { name: t.notes, exact: true }).innerText();
}

// The rows of the path between agencies on the case page: [from, to, referral] each.
async function chainOf(page, t) {
  const section = page.getByRole('region', { name: t.chain });
  expect((await section.count()) === 1, 'the case shows the path between agencies');
  const rows = section.locator('tbody tr');
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = await rows.nth(i).locator('td').allInnerTexts();
    out.push(cells.slice(1).map((c) => c.replace(/\s+/g, ' ').trim()));
  }
  return out;
}

// Whether the definition list of the page gives `term` as `value`.
async function fact(page, term, value) {
  const dd = page.locator('dl.facts dt', { hasText: new RegExp(`^${term}$`) }).first().locator('xpath=following-sibling::dd[1]');
  return (await dd.innerText()).trim() === value;
}

const browser = await launch();
let page;
const pages = [];
try {
  // Monday. The municipality's caseworker logs a signal; saving it opens the case.
  const muni = await signIn(browser, MUNICIPALITY_CASEWORKER);
  pages.push(muni);
  page = muni;
  const nl = T.nl;
  await muni.getByRole('navigation').getByRole('link', { name: 'Signaal melden' }).click();
  expect((await heading(muni)) === 'Signaal melden', 'the signal form');
  await muni.getByLabel('Datum van waarneming').fill(daysAgo(3));
  await muni.getByLabel('Regio', { exact: true }).selectOption({ label: 'Midden-Nederland' });
  await muni.getByLabel('arbeidsuitbuiting', { exact: true }).check();
  await muni.getByLabel('Een handeling').check();
  await muni.getByLabel('Een oogmerk van uitbuiting').check();
  await muni.getByLabel('Grondslag van de melding').selectOption({ label: 'toestemming van de persoon' });
  await muni.getByLabel('Voornamen', { exact: true }).fill(GIVEN);
  await muni.getByLabel('Achternaam', { exact: true }).fill(FAMILY);
  await muni.getByLabel(nl.dateOfBirth, { exact: true }).fill(BORN);
  await muni.getByLabel('Gender', { exact: true }).selectOption({ label: 'vrouw' });
  await muni.getByLabel('Nationaliteiten').fill('PL');
  await muni.getByLabel('Gesproken talen').fill('pl, en');
  await accessible(muni, 'signal-form');
  await muni.getByRole('button', { name: 'Signaal opslaan' }).click();
  await muni.waitForURL(/\/cases\/[0-9a-f-]+\?done=signal_saved$/);
  const muniCase = muni.url().replace('?done=signal_saved', '');
  expect((await heading(muni)) === `${nl.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case opened from the signal names the person');
  expect(await fact(muni, nl.dateOfBirth, BORN), 'with the date of birth as typed');
  await accessible(muni, 'case-opened');

  // Tuesday. She finds the case again by family name and date of birth.
  async function search(family, born) {
    await muni.getByRole('navigation').getByRole('link', { name: nl.cases, exact: true }).click();
    expect((await heading(muni)) === nl.cases, 'the case list');
    const form = muni.getByRole('group', { name: 'Een persoon zoeken' });
    await form.getByLabel('Achternaam', { exact: true }).fill(family);
    await form.getByLabel(nl.dateOfBirth, { exact: true }).fill(born);
    await muni.getByRole('button', { name: 'Casussen tonen' }).click();
    await muni.waitForURL(/\/cases\?/);
    return muni.locator('tbody tr');
  }
  // Capitals and hyphens do not matter.
  let found = await search(FAMILY.toLowerCase().replace('-', ' '), BORN);
  expect((await found.count()) === 1, 'the search finds one case');
  expect((await found.first().innerText()).includes(`${GIVEN} ${FAMILY}`), 'the person is found by name and date of birth');
  await accessible(muni, 'case-search');
  await found.first().getByRole('link', { name: `${GIVEN} ${FAMILY}` }).click();
  expect(muni.url() === muniCase, 'the search result opens the case');

  // The date of birth was wrong: she corrects it on the correction page.
  await muni.getByRole('link', { name: 'Casus corrigeren' }).click();
  expect((await heading(muni)) === 'Casus corrigeren', 'the correction page');
  expect((await muni.getByLabel(nl.dateOfBirth, { exact: true }).inputValue()) === BORN, 'the form shows the case as it is');
  expect((await muni.getByLabel('Achternaam', { exact: true }).inputValue()) === FAMILY, 'the name as it is');
  await accessible(muni, 'correct-form');
  await muni.getByLabel(nl.dateOfBirth, { exact: true }).fill(CORRECTED);
  await muni.getByRole('button', { name: 'Correctie opslaan' }).click();
  await muni.waitForLoadState();
  expect(muni.url().startsWith(muniCase), 'back on the case page');
  expect((await muni.getByRole('status').innerText()).startsWith('De casus is gecorrigeerd'), 'the correction is confirmed');
  expect(await fact(muni, nl.dateOfBirth, CORRECTED), 'the corrected date of birth shows');
  const record = muni.getByRole('region', { name: nl.corrections });
  const earlier = record.locator('tr', { has: muni.locator('th', { hasText: nl.dateOfBirth }) });
  expect((await earlier.count()) === 1, 'the record of corrections names the date of birth');
  expect((await earlier.locator('td.earlier').innerText()).trim() === BORN, 'with the earlier value');
  await accessible(muni, 'case-corrected');

  // The search finds the person by the corrected date only.
  found = await search(FAMILY, CORRECTED);
  expect((await found.count()) === 1, 'the corrected date finds the case');
  await accessible(muni, 'case-search-corrected-date');
  found = await search(FAMILY, BORN);
  expect((await found.count()) === 0, 'the earlier date no longer does');
  expect((await muni.getByRole('status').innerText()).startsWith('Geen casus van uw organisatie'), 'the search says so');
  await accessible(muni, 'case-search-earlier-date');

  // Wednesday. Two notes: one for her own agency, one shared with the agencies working
  // on the case; then the person's consent to share with a shelter, and the referral.
  await muni.goto(muniCase);
  await addNote(muni, nl, nl.phoneCall, nl.ownAgency, OWN_NOTE);
  await addNote(muni, nl, nl.contact, nl.shared, SHARED_NOTE);
  const notes = muni.getByRole('region', { name: nl.notes, exact: true }).locator('li');
  expect((await notes.filter({ hasText: OWN_NOTE }).filter({ hasText: nl.ownAgency }).count()) === 1,
    'the own-agency note is listed as such');
  expect((await notes.filter({ hasText: SHARED_NOTE }).filter({ hasText: nl.shared }).count()) === 1,
    'the shared note is listed as such');
  await accessible(muni, 'case-notes');

  await muni.getByRole('group', { name: 'Soort', exact: true }).getByLabel('toestemming', { exact: true }).check();
  await muni.getByRole('group', { name: 'Gedeeld met' }).getByLabel('opvang', { exact: true }).check();
  await muni.getByRole('group', { name: 'Voor', exact: true }).getByLabel('opvang', { exact: true }).check();
  await muni.getByLabel('Gegeven door (bij toestemming)').selectOption({ label: 'de persoon' });
  await muni.getByLabel('Gegeven op').fill(daysAgo(0));
  await muni.getByRole('button', { name: 'Vastleggen' }).click();
  await muni.waitForLoadState();
  const consent = muni.locator('#consents ~ .scroll table tbody tr', { hasText: 'toestemming' });
  expect((await consent.count()) === 1 && (await consent.innerText()).includes('opvang'), 'the consent covers a shelter');

  const toShelter = await refer(muni, nl, nl.shelter, SHELTER, nl.shelterPurpose, nl.urgent,
    'Acute opvang nodig; de persoon spreekt Pools en wat Engels.');
  expect((await muni.getByText('verstuurd, wacht op antwoord').count()) >= 1, 'the referral waits for an answer');
  await accessible(muni, 'referral-sent');

  // Thursday. The shelter's coordinator accepts the referral from the inbox.
  const shelter = await signIn(browser, SHELTER_COORDINATOR);
  pages.push(shelter);
  page = shelter;
  await openFromInbox(shelter, nl, toShelter, 'shelter');
  expect(!(await shelter.content()).includes(FAMILY), 'before accepting, the shelter sees no name');
  expect((await shelter.getByRole('button', { name: nl.openOwnCase }).count()) === 0, 'nor a way to open a case');
  await shelter.getByRole('button', { name: nl.accept }).click();
  expect(await shelter.getByText(nl.accepted, { exact: true }).isVisible(), 'accepted');
  expect(await shelter.getByRole('button', { name: nl.openOwnCase }).isVisible(), 'its own case can be opened now');
  const referralPage = shelter.url();
  await accessible(shelter, 'referral-accepted-open-own-case-nl');

  // The municipality's case, as the shelter reads it: the shared note, not the other.
  await shelter.getByRole('link', { name: nl.toCase }).click();
  expect(shelter.url() === muniCase, 'the referral leads to the municipality\'s case');
  expect((await heading(shelter)).includes(FAMILY), 'the consent lets the shelter see who the person is');
  let seen = await notesOf(shelter, nl);
  expect(seen.includes(SHARED_NOTE), 'the shelter reads the shared note');
  expect(!seen.includes(OWN_NOTE), 'but not the municipality\'s own-agency note');
  expect(!(await shelter.content()).includes(OWN_NOTE), 'nowhere on the page');
  expect((await shelter.getByRole('region', { name: nl.corrections }).count()) === 0, 'nor the record of corrections');
  await accessible(shelter, 'shelter-reads-municipality-case');

  // The same referral page in English, then the shelter's own case from it.
  await switchLanguage(shelter, 'nl', 'en');
  await accessible(shelter, 'preferences-en');
  const en = T.en;
  await shelter.goto(referralPage);
  expect((await heading(shelter)).startsWith(en.referralTitle), 'the referral page in English');
  expect(await shelter.getByRole('button', { name: en.openOwnCase }).isVisible(), 'the button in English');
  await accessible(shelter, 'referral-accepted-open-own-case-en');
  await shelter.getByRole('button', { name: en.openOwnCase }).click();
  await shelter.waitForURL(/\/cases\/[0-9a-f-]+\?/);
  const shelterCase = shelter.url().split('?')[0];
  expect(shelterCase !== muniCase, 'a case of the shelter\'s own');
  expect((await shelter.getByRole('status').innerText()).startsWith(en.openedOnward), 'opened from the referral');
  expect((await heading(shelter)) === `${en.caseTitle}: ${GIVEN} ${FAMILY}`, 'the name came along, untyped');
  expect(await fact(shelter, en.dateOfBirth, CORRECTED), 'with the corrected date of birth');
  const origin = shelter.locator('p.origin');
  expect((await origin.innerText()).startsWith(`${en.cameFrom} ${MUNICIPALITY}`), 'the case says where it came from');
  expect((await origin.getByRole('link').getAttribute('href')) === `/referrals/${toShelter}`, 'and links the referral');
  expect(!(await shelter.content()).includes(SHARED_NOTE), 'the municipality\'s notes stay on its own case');
  await accessible(shelter, 'shelter-own-case-en');

  // The coordinator makes the shelter's caseworker responsible.
  await shelter.getByLabel(en.worker, { exact: true }).selectOption({ label: `${SHELTER_CASEWORKER_NAME} (${en.caseworkerRole})` });
  await shelter.getByRole('button', { name: en.saveWorker }).click();
  await shelter.waitForLoadState();
  expect((await shelter.getByRole('status').innerText()) === en.assigned, 'the responsible worker is saved');
  expect(await fact(shelter, en.responsible, SHELTER_CASEWORKER_NAME), 'the case names the responsible worker');
  await accessible(shelter, 'shelter-case-assigned-en');

  // The referral page now leads to the shelter's case and offers no second one.
  await shelter.goto(referralPage);
  expect((await shelter.getByRole('button', { name: en.openOwnCase }).count()) === 0, 'the case is opened once');
  expect((await shelter.getByRole('link', { name: en.ownCase }).getAttribute('href')) === new URL(shelterCase).pathname,
    'the referral page links the shelter\'s own case');
  await accessible(shelter, 'referral-own-case-en');

  // The caseload, in English and in Dutch.
  async function caseload(t, lang) {
    await shelter.getByRole('navigation').getByRole('link', { name: t.caseload, exact: true }).click();
    expect((await heading(shelter)) === t.caseload, `the caseload in ${lang}`);
    const row = shelter.locator('tbody tr', { has: shelter.locator('th', { hasText: SHELTER_CASEWORKER_NAME }) });
    expect(parseInt((await row.locator('td.num a').innerText()).trim(), 10) >= 1, 'the caseworker has an open case');
    await accessible(shelter, `caseload-${lang}`);
  }
  await caseload(en, 'en');
  await switchLanguage(shelter, 'en', 'nl');
  await caseload(nl, 'nl');

  // Friday. The shelter's caseworker finds the case under My cases, writes a note and
  // refers the person onward to legal aid.
  const worker = await signIn(browser, SHELTER_CASEWORKER);
  pages.push(worker);
  page = worker;
  async function myCases(t, lang) {
    await worker.getByRole('navigation').getByRole('link', { name: t.myCases, exact: true }).click();
    expect((await heading(worker)) === t.cases, `My cases in ${lang}`);
    const row = worker.locator('tbody tr', { hasText: FAMILY });
    expect((await row.count()) === 1, 'the case is among the caseworker\'s cases');
    expect((await row.innerText()).includes(SHELTER_CASEWORKER_NAME), 'with the caseworker as responsible');
    await accessible(worker, `my-cases-${lang}`);
    return row;
  }
  await myCases(nl, 'nl');
  await switchLanguage(worker, 'nl', 'en');
  const mine = await myCases(en, 'en');
  await mine.getByRole('link', { name: `${GIVEN} ${FAMILY}` }).click();
  expect(worker.url() === shelterCase, 'My cases opens the shelter\'s case');
  await addNote(worker, en, en.meeting, en.shared, SHELTER_NOTE);
  expect((await notesOf(worker, en)).includes(SHELTER_NOTE), 'the shelter\'s note is listed');
  await accessible(worker, 'shelter-case-note-en');
  const toLegalAid = await refer(worker, en, en.legalAid, LEGAL_AID, en.legalAidPurpose, en.normal,
    'Vraagt juridisch advies over haar arbeidscontract en loon.');
  await accessible(worker, 'onward-referral-en');
  await switchLanguage(worker, 'en', 'nl');

  // Legal aid accepts; the shelter's case has no consent of its own, so legal aid reads
  // the case without the identity, and the shelter's shared note.
  const legal = await signIn(browser, LEGAL_AID_COORDINATOR);
  pages.push(legal);
  page = legal;
  await openFromInbox(legal, nl, toLegalAid, 'legal-aid');
  await legal.getByRole('button', { name: nl.accept }).click();
  expect(await legal.getByText(nl.accepted, { exact: true }).isVisible(), 'legal aid accepted');
  await accessible(legal, 'legal-aid-referral-accepted');
  await legal.getByRole('link', { name: nl.toCase }).click();
  expect(legal.url() === shelterCase, 'the referral leads to the shelter\'s case');
  expect(!(await legal.content()).includes(FAMILY), 'legal aid does not see the name');
  expect(await legal.getByText(nl.withheld).isVisible(), 'and is told why');
  expect((await notesOf(legal, nl)).includes(SHELTER_NOTE), 'legal aid reads the shelter\'s shared note');
  let chain = await chainOf(legal, nl);
  expect(chain.length === 2, `legal aid sees both hops (got ${JSON.stringify(chain)})`);
  expect(chain[0][0] === unnamed(nl, nl.municipality), 'the municipality by kind only');
  expect(chain[0][1].startsWith(named(SHELTER, nl.shelter)), 'the shelter by name');
  expect(chain[1][1].startsWith(named(LEGAL_AID, nl.legalAid)), 'legal aid itself by name');
  await accessible(legal, 'legal-aid-reads-shelter-case');
  await logout(legal);

  // The municipality's case: the shelter by name, legal aid by kind only; none of the
  // shelter's notes, and no way into the shelter's case.
  page = muni;
  async function municipalityPath(t, lang) {
    await muni.goto(muniCase);
    chain = await chainOf(muni, t);
    expect(chain.length === 2, `the municipality sees both hops (got ${JSON.stringify(chain)})`);
    expect(chain[0][0].startsWith(named(MUNICIPALITY, t.municipality)) && chain[0][0].includes(t.ourCase),
      'from its own case');
    expect(chain[0][1] === named(SHELTER, t.shelter), 'to the shelter, by name');
    expect(chain[0][2] === t.accepted, 'accepted');
    expect(chain[1][0] === named(SHELTER, t.shelter), 'then from the shelter');
    expect(chain[1][1] === unnamed(t, t.legalAid), 'to legal aid, by kind only');
    expect(chain[1][2] === t.notOurs, 'a referral not the municipality\'s to open');
    const content = await muni.content();
    expect(!content.includes(LEGAL_AID), 'the legal-aid agency is not named anywhere');
    expect(!content.includes(SHELTER_NOTE), 'the municipality never sees the shelter\'s notes');
    await accessible(muni, `municipality-case-path-${lang}`);
  }
  await municipalityPath(nl, 'nl');
  const refused = await muni.goto(shelterCase);
  expect(refused.status() === 404, 'the shelter\'s case does not exist for the municipality');
  expect(!(await muni.content()).includes(SHELTER_NOTE), 'nor its notes');
  await accessible(muni, 'municipality-refused-shelter-case');
  await muni.goto(`${base}/`);
  await switchLanguage(muni, 'nl', 'en');
  await municipalityPath(en, 'en');
  await switchLanguage(muni, 'en', 'nl');

  // The shelter's case: both hops by name, its own case linked.
  page = shelter;
  async function shelterPath(t, lang) {
    await shelter.goto(shelterCase);
    chain = await chainOf(shelter, t);
    expect(chain.length === 2, `the shelter sees both hops (got ${JSON.stringify(chain)})`);
    expect(chain[0][0] === named(MUNICIPALITY, t.municipality), 'from the municipality, by name');
    expect(chain[0][1].startsWith(named(SHELTER, t.shelter)) && chain[0][1].includes(t.ourCase),
      'to the shelter\'s own case');
    expect(chain[1][0].startsWith(named(SHELTER, t.shelter)), 'then from the shelter');
    expect(chain[1][1] === named(LEGAL_AID, t.legalAid), 'to legal aid, by name');
    expect(chain[1][2] === t.accepted, 'accepted');
    expect((await shelter.locator('p.origin').innerText()).startsWith(`${t.cameFrom} ${MUNICIPALITY}`), 'where it came from');
    await accessible(shelter, `shelter-case-path-${lang}`);
  }
  await shelterPath(nl, 'nl');
  await switchLanguage(shelter, 'nl', 'en');
  await shelterPath(en, 'en');
  await switchLanguage(shelter, 'en', 'nl');
  // Still, at the end of the week: the shared note only on the municipality's case.
  await shelter.goto(muniCase);
  seen = await notesOf(shelter, nl);
  expect(seen.includes(SHARED_NOTE) && !seen.includes(OWN_NOTE), 'the shelter reads only the shared note');

  for (const p of [muni, shelter, worker]) await logout(p);
  pages.length = 0;
} catch (e) {
  if (page) await failed(page, e);
  // Leave no user in English for a later run or script.
  for (const p of pages) {
    try {
      await p.goto(`${base}/account/preferences`);
      if ((await heading(p)) === T.en.prefTitle) await switchLanguage(p, 'en', 'nl');
    } catch {
      // The page may be gone; the error says enough then.
    }
  }
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
