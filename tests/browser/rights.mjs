// The person's rights on a case, in a real browser and through the pages only, against
// `schakel serve --demo`:
//   the shelter's coordinator (Opvang De Haven, a shelter: no retention duty, so erasure on
//   request is possible) logs a signal for a woman who is new on every run, which opens a
//   case of De Haven; from the case page she follows "De rechten van de persoon": the page
//   offers the copy of the record three ways; she downloads the Dutch PDF (a PDF file) and
//   the JSON (which parses and names the woman);
//   she restricts the record without a ground (the summary of the problems, focused, names
//   the ground), then with one: the case page confirms it, shows the banner of the
//   restriction and no form to write a note or record a consent; on the rights page
//   erasure is not possible while restricted; she lifts the restriction: the case page
//   says so and the note form is back;
//   erasure waits until the case is closed: the rights page says to close it first; she
//   closes it on the case page, opens "Gegevens van de persoon wissen", sends the form
//   without the tick (the message asks for it), then ticks it: the case page confirms the
//   erasure and no longer names the woman, the rights page says she is erased, and the
//   JSON copy no longer holds her name;
//   the shelter's caseworker sees the case without the link to the rights, and the rights
//   page and the copy of the record answer 403 (an HTML page with its heading).
// Every page the walk stops at is checked with axe-core and saved as a screenshot; the
// rights page also at 360 px, without horizontal scroll. The woman and her case are new on
// every run, so the script runs again against the same server and after the other scripts.
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { accessible, base, expect, failed, heading, launch, login, logout, pagesChecked } from './lib.mjs';

const SHELTER_COORDINATOR = 'shelter@demo.schakel.invalid';
const SHELTER_CASEWORKER = 'shelter.caseworker@demo.schakel.invalid';
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 780 };

// A family name of this run only (letters: a name holds no digits).
function suffix() {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  let s = '';
  for (let i = 0; i < 5; i++) s += consonants[randomInt(consonants.length)] + vowels[randomInt(vowels.length)];
  return s[0].toUpperCase() + s.slice(1);
}
const GIVEN = 'Ioana';
const FAMILY = `Rechtenroute-${suffix()}`;
const BORN = `${new Date().getUTCFullYear() - 31}-02-11`;

// What the pages say (the demo users read Dutch).
const T = {
  home: 'Welkom', prefTitle: 'Uw voorkeuren', prefTitleEn: 'Your preferences',
  prefLanguageEn: 'Language of the pages and of your emails', prefSaveEn: 'Save the preferences',
  signal: 'Signaal melden', submitSignal: 'Signaal opslaan', caseTitle: 'Casus',
  rightsLink: 'De rechten van de persoon: een kopie van de gegevens, correctie, beperking, wissen',
  title: 'De rechten van de persoon', back: 'Terug naar de casus',
  pdfNl: 'Download de kopie als pdf (Nederlands)', pdfEn: 'Download de kopie als pdf (Engels)',
  json: 'Download de kopie als JSON (voor een ander systeem)',
  restrictSubmit: 'Dossier beperken', ground: 'Grond', choose: 'Kies er een.',
  legalClaims: 'de persoon heeft de gegevens nodig voor een rechtsvordering',
  restrictedDone: 'Het dossier is beperkt. De casus is bevroren en verborgen voor ontvangende organisaties.',
  banner: 'Dit dossier is beperkt sinds ',
  restrictedSince: 'Beperkt sinds', notNow: 'Wissen is nu niet mogelijk.',
  restrictedFirst: 'Het dossier is beperkt: het wordt voor de persoon vastgehouden. Hef eerst de beperking op.',
  lift: 'Beperking opheffen', liftSubmit: 'Ja, hef de beperking op',
  liftedDone: 'De beperking is opgeheven. De casus kan weer worden gewijzigd en ontvangende organisaties zien haar weer.',
  closeFirst: 'Een casus van de persoon bij uw organisatie is nog open. Sluit die eerst; de verwijzingen eindigen ermee.',
  closedDone: 'De casus is gesloten.',
  erase: 'Gegevens van de persoon wissen', eraseSubmit: 'Definitief wissen',
  eraseConfirm: 'Ik heb het verzoek van de persoon gecontroleerd en begrijp dat het wissen niet ongedaan kan worden gemaakt.',
  objection: 'de persoon maakte bezwaar en er is geen zwaarwegender grond',
  confirmNeeded: 'Vink het vakje aan om te bevestigen dat het wissen niet ongedaan kan worden gemaakt.',
  confirmField: 'Bevestiging',
  erasedDone: 'De gegevens van de persoon zijn gewist, zoals gevraagd. De gecodeerde feiten blijven voor de anonieme tellingen.',
  erasedCase: 'De identiteit is gewist op verzoek van de persoon.',
  erasedAlready: 'De gegevens van de persoon zijn al gewist.',
  errorTitle: 'Er klopt iets niet', forbidden: 'Met uw rol kunt u dit niet doen.',
};

// A date `days` before today, as a date field takes it.
function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

// Logs `email` in on a page of its own browser context, in Dutch (a run that failed half
// way elsewhere may have left the user in English).
async function signIn(browser, email) {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true, acceptDownloads: true, viewport: WIDE });
  const page = await context.newPage();
  await login(page, email);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${base}/account/preferences`);
  if ((await heading(page)) === T.prefTitleEn) {
    await page.getByLabel(T.prefLanguageEn).selectOption('nl');
    await page.getByRole('button', { name: T.prefSaveEn }).click();
  }
  expect((await heading(page)) === T.prefTitle, `${email} reads Dutch`);
  return page;
}

// The pixels the page is wider than its window.
async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// Checks the page at 1280 px and at 360 px (no horizontal scroll there), then back wide.
async function bothWidths(page, name) {
  await accessible(page, `${name}-1280`);
  await page.setViewportSize(PHONE);
  const extra = await overflow(page);
  expect(extra <= 0, `${name} at 360 px: no horizontal scroll (${extra} px too wide)`);
  await accessible(page, `${name}-360`);
  await page.setViewportSize(WIDE);
}

// A section of the rights page, by its heading's id.
function section(page, id) {
  return page.locator(`section[aria-labelledby="${id}"]`);
}

// The confirmation on the case page.
async function done(page) {
  return (await page.locator('p.done[role="status"]').first().innerText()).trim();
}

// Clicks a download link of the rights page; returns the saved file's name and bytes.
async function download(page, name) {
  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name, exact: true }).click(),
  ]);
  const failure = await saved.failure();
  expect(failure === null, `${name}: the download completes (${failure})`);
  return { file: saved.suggestedFilename(), bytes: readFileSync(await saved.path()) };
}

const browser = await launch();
let page;
try {
  // The shelter's coordinator logs a signal, which opens a case of De Haven.
  const shelter = await signIn(browser, SHELTER_COORDINATOR);
  page = shelter;
  await shelter.goto(`${base}/`);
  await shelter.getByRole('navigation').getByRole('link', { name: T.signal, exact: true }).click();
  expect((await heading(shelter)) === T.signal, 'the signal form');
  await shelter.locator('#observed_on').fill(daysAgo(2));
  await shelter.locator('#region').selectOption('midden_nederland');
  await shelter.locator('#form-sexual').check();
  await shelter.locator('#act').check();
  await shelter.locator('#purpose').check();
  await shelter.locator('#reporting_basis').selectOption('consent');
  await shelter.locator('#given_names').fill(GIVEN);
  await shelter.locator('#family_name').fill(FAMILY);
  await shelter.locator('#date_of_birth').fill(BORN);
  await shelter.locator('#gender').selectOption('female');
  await shelter.getByRole('button', { name: T.submitSignal }).click();
  await shelter.waitForURL(/\/cases\/[0-9a-f-]+\?done=signal_saved$/);
  const caseUrl = shelter.url().replace('?done=signal_saved', '');
  const casePath = new URL(caseUrl).pathname;
  const rightsUrl = `${caseUrl}/rights`;
  expect((await heading(shelter)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case opened from the signal');
  console.log(`De Haven's case ${casePath}`);

  // The shelter's caseworker: the case without the way to the rights; the rights page and
  // the copy of the record are refused (an HTML page with its heading).
  const worker = await signIn(browser, SHELTER_CASEWORKER);
  page = worker;
  await worker.goto(caseUrl);
  expect((await heading(worker)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the caseworker sees the case of her agency');
  expect((await worker.locator(`a[href="${casePath}/rights"]`).count()) === 0, 'no link to the rights for a caseworker');
  expect((await worker.getByRole('link', { name: T.rightsLink }).count()) === 0, 'nor by its words');
  const refused = await worker.goto(rightsUrl);
  expect(refused.status() === 403, `the caseworker is refused the rights page (got ${refused.status()})`);
  expect((refused.headers()['content-type'] || '').startsWith('text/html'), 'the refusal is an HTML page');
  expect((await heading(worker)) === T.errorTitle, 'the refusal has its heading');
  expect((await worker.locator('main').innerText()).includes(T.forbidden), 'the page says the role cannot do this');
  await accessible(worker, 'rights-caseworker-refused');
  const copy = await worker.context().request.get(`${caseUrl}/person-record?format=json`);
  expect(copy.status() === 403, `the caseworker gets no copy of the record (got ${copy.status()})`);
  expect(!(await copy.text()).includes(FAMILY), 'the refusal holds nothing of the person');
  await logout(worker);
  await worker.context().close();

  // The coordinator: from the case page to the rights page.
  page = shelter;
  await shelter.goto(caseUrl);
  const link = shelter.getByRole('link', { name: T.rightsLink, exact: true });
  expect((await link.count()) === 1, 'the case page links to the rights');
  expect((await link.getAttribute('href')) === `${casePath}/rights`, 'to the rights page of the case');
  await accessible(shelter, 'case-open');
  await link.click();
  await shelter.waitForURL(rightsUrl);
  expect((await heading(shelter)) === T.title, 'the rights page');
  expect((await shelter.getByRole('link', { name: T.back }).getAttribute('href')) === casePath, 'a way back to the case');
  const links = {
    [T.pdfNl]: `${casePath}/person-record?format=pdf&lang=nl`,
    [T.pdfEn]: `${casePath}/person-record?format=pdf&lang=en`,
    [T.json]: `${casePath}/person-record?format=json`,
  };
  for (const [words, href] of Object.entries(links)) {
    const a = section(shelter, 'access').getByRole('link', { name: words, exact: true });
    expect((await a.count()) === 1, `the download "${words}"`);
    expect((await a.getAttribute('href')) === href, `"${words}" leads to ${href} (got ${await a.getAttribute('href')})`);
  }
  expect((await section(shelter, 'erasure').innerText()).includes(T.closeFirst), 'erasure waits for the case to close');
  expect((await section(shelter, 'erasure').locator('form').count()) === 0, 'no erasure form while the case is open');
  await bothWidths(shelter, 'rights-open');

  // The copy of the record: the Dutch PDF and the JSON, through their links.
  const pdf = await download(shelter, T.pdfNl);
  expect(pdf.file.endsWith('.pdf'), `a PDF is saved (${pdf.file})`);
  expect(pdf.bytes.subarray(0, 5).toString('latin1') === '%PDF-', 'the file is a PDF');
  const json = await download(shelter, T.json);
  expect(json.file.endsWith('.json'), `a JSON file is saved (${json.file})`);
  let record;
  try {
    record = JSON.parse(json.bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`expected: the JSON copy parses (${e.message})`);
  }
  expect(JSON.stringify(record).includes(FAMILY), 'the JSON copy holds the person\'s family name');
  console.log(`the copy: ${pdf.file} (${pdf.bytes.length} bytes), ${json.file} (${json.bytes.length} bytes)`);
  expect(shelter.url() === rightsUrl, 'still on the rights page after the downloads');

  // Restricting without a ground: the summary, focused, names the ground.
  const restrict = section(shelter, 'restriction');
  await restrict.getByRole('button', { name: T.restrictSubmit, exact: true }).click();
  await shelter.waitForLoadState();
  expect((await heading(shelter)) === T.title, 'back on the rights page');
  const problems = shelter.locator('#form-problems');
  expect((await problems.count()) === 1, 'the problems are summarised');
  expect((await problems.innerText()).includes(`${T.ground}: ${T.choose}`), 'the summary names the ground');
  expect(await shelter.evaluate(() => document.activeElement?.id) === 'form-problems', 'the focus is on the summary');
  expect((await shelter.locator('#ground-error').innerText()).trim() === T.choose, 'the message next to the ground');
  expect((await shelter.locator('#restrict_ground').getAttribute('aria-invalid')) === 'true', 'the ground is marked invalid');
  await accessible(shelter, 'rights-restrict-refused');

  // With a ground: the case page, confirmed, restricted, without the forms.
  await shelter.locator('#restrict_ground').selectOption('legal_claims');
  await restrict.getByRole('button', { name: T.restrictSubmit, exact: true }).click();
  await shelter.waitForURL(`${caseUrl}?done=record_restricted`);
  expect((await done(shelter)) === T.restrictedDone, 'the restriction is confirmed');
  const banner = shelter.locator('p.restricted');
  expect(await banner.isVisible(), 'the banner of the restriction');
  const bannerText = (await banner.innerText()).trim();
  expect(bannerText.startsWith(T.banner) && bannerText.includes(T.legalClaims), `the banner names since when and why (got ${JSON.stringify(bannerText)})`);
  expect((await shelter.locator('#note_text').count()) === 0, 'no note form');
  expect((await shelter.locator('#form-consent').count()) === 0, 'no consent form');
  expect((await shelter.locator('#form-close').count()) === 0, 'no close form');
  expect((await heading(shelter)).includes(FAMILY), 'the restricted case still names the person');
  await accessible(shelter, 'case-restricted');

  // The rights page of a restricted record: no erasure; the restriction can be lifted.
  await shelter.getByRole('link', { name: T.rightsLink, exact: true }).click();
  await shelter.waitForURL(rightsUrl);
  const held = (await section(shelter, 'restriction').locator('p.restricted').innerText()).trim();
  expect(held.startsWith(T.restrictedSince) && held.includes(T.legalClaims), `since when and why (got ${JSON.stringify(held)})`);
  const erasure = await section(shelter, 'erasure').innerText();
  expect(erasure.includes(T.notNow) && erasure.includes(T.restrictedFirst), 'erasure is not possible while restricted');
  expect((await shelter.locator('#form-restrict').count()) === 0, 'no form to restrict again');
  await bothWidths(shelter, 'rights-restricted');
  const liftBox = section(shelter, 'restriction').locator('details');
  await liftBox.locator('summary', { hasText: T.lift }).click();
  expect((await liftBox.getAttribute('open')) !== null, 'the lifting opens');
  await liftBox.getByRole('button', { name: T.liftSubmit, exact: true }).click();
  await shelter.waitForURL(`${caseUrl}?done=restriction_lifted`);
  expect((await done(shelter)) === T.liftedDone, 'the lifting is confirmed');
  expect((await shelter.locator('p.restricted').count()) === 0, 'no banner of a restriction');
  expect((await shelter.locator('#note_text').count()) === 1, 'the note form is back');
  expect((await shelter.locator('#form-consent').count()) === 1, 'the consent form is back');
  await accessible(shelter, 'case-lifted');

  // Erasure waits for the case to close; closing it on the case page.
  await shelter.goto(rightsUrl);
  const open = await section(shelter, 'erasure').innerText();
  expect(open.includes(T.notNow) && open.includes(T.closeFirst), 'close the case first');
  await shelter.goto(caseUrl);
  await shelter.locator('#close_reason').selectOption('support_completed');
  await shelter.locator('#form-close button[type="submit"]').click();
  await shelter.waitForURL(`${caseUrl}?done=case_closed`);
  expect((await done(shelter)) === T.closedDone, 'the case is closed');

  // The erasure form: without the tick, the message asks for it.
  await shelter.getByRole('link', { name: T.rightsLink, exact: true }).click();
  await shelter.waitForURL(rightsUrl);
  const eraseBox = section(shelter, 'erasure').locator('details');
  expect((await eraseBox.count()) === 1, 'the erasure form is offered once the case is closed');
  expect((await eraseBox.getAttribute('open')) === null, 'closed until opened');
  await eraseBox.locator('summary', { hasText: T.erase }).click();
  expect(await shelter.locator('#erase_ground').isVisible(), 'the erasure form opens');
  await bothWidths(shelter, 'rights-erase-open');
  await shelter.locator('#erase_ground').selectOption('objection');
  await eraseBox.getByRole('button', { name: T.eraseSubmit, exact: true }).click();
  await shelter.waitForLoadState();
  expect((await heading(shelter)) === T.title, 'back on the rights page');
  expect((await shelter.locator('#confirm-error').innerText()).trim() === T.confirmNeeded, 'the tick is asked for');
  expect((await shelter.locator('#form-problems').innerText()).includes(`${T.confirmField}: ${T.confirmNeeded}`), 'and summarised');
  expect((await shelter.locator('#ground-error').count()) === 0, 'the ground was chosen');
  expect((await shelter.locator('#erase_ground').inputValue()) === 'objection', 'the ground as chosen');
  expect((await eraseBox.getAttribute('open')) !== null, 'the form stays open');
  expect(await shelter.evaluate(() => document.activeElement?.id) === 'form-problems', 'the focus is on the summary');
  await accessible(shelter, 'rights-erase-refused');

  // Ticked: erased; the case page no longer names her.
  await shelter.getByLabel(T.eraseConfirm, { exact: true }).check();
  await eraseBox.getByRole('button', { name: T.eraseSubmit, exact: true }).click();
  await shelter.waitForURL(`${caseUrl}?done=erased_on_request`);
  expect((await done(shelter)) === T.erasedDone, 'the erasure is confirmed');
  expect((await heading(shelter)) === T.caseTitle, 'the heading names no one');
  const after = await shelter.locator('main').innerText();
  expect(!after.includes(FAMILY) && !after.includes(GIVEN), 'the person\'s name is gone from the page');
  expect(after.includes(T.erasedCase), 'the page says the identity is erased');
  await accessible(shelter, 'case-erased');
  await shelter.goto(rightsUrl);
  const gone = await section(shelter, 'erasure').innerText();
  expect(gone.includes(T.notNow) && gone.includes(T.erasedAlready), 'the rights page says she is erased');
  expect(!(await shelter.locator('main').innerText()).includes(FAMILY), 'nor does the rights page name her');
  const erasedCopy = await download(shelter, T.json);
  const erasedText = erasedCopy.bytes.toString('utf8');
  JSON.parse(erasedText);
  expect(!erasedText.includes(FAMILY) && !erasedText.includes(BORN), 'the copy of the record no longer holds her name nor birth date');
  await accessible(shelter, 'rights-erased');
  await logout(shelter);
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
