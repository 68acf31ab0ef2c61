// Emergency access ("breaking the glass"), in a real browser and through the pages only,
// against `schakel serve --demo`:
//   the shelter's coordinator (Opvang De Haven) has no "Noodtoegang" in her menu and is
//   refused the page; she logs a signal for a woman who is new on every run, which opens
//   a case of De Haven, and notes its reference;
//   the police coordinator (Politie Midden-Nederland, AVIM) opens "Noodtoegang" from his
//   menu, reads what it means before sending anything, names De Haven and the reference,
//   chooses the ground "vermissing" and first gives a reason that is no sentence: the form
//   comes back with its message and everything he typed; with a real reason he lands on
//   the case page, with the banner of the emergency access and the woman's name, and
//   without the form to write a note;
//   the auditor opens "Noodtoegang beoordelen": the access waits for review, with the
//   police coordinator's name; escalating it without a note is refused with a message;
//   she finds it justified with a note: it leaves the pending list, and the counts of the
//   last 90 days show one more justified access for the police.
// Every page the walk stops at is checked with axe-core and saved as a screenshot. The
// woman and her case are new on every run and the counts are compared with those before
// the review, so the script runs after the other scripts against the same server, and
// leaves nothing the later ones look at.
import { randomInt } from 'node:crypto';
import { accessible, base, expect, failed, heading, launch, login, logout, pagesChecked } from './lib.mjs';

const SHELTER_COORDINATOR = 'shelter@demo.schakel.invalid';
const POLICE = 'police@demo.schakel.invalid';
const POLICE_NAME = 'Jeroen Vos';
const POLICE_AGENCY = 'Politie Midden-Nederland, AVIM';
const AUDITOR = 'auditor@demo.schakel.invalid';
const SHELTER = 'Opvang De Haven';

// A family name of this run only (letters: a name holds no digits).
function suffix() {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  let s = '';
  for (let i = 0; i < 5; i++) s += consonants[randomInt(consonants.length)] + vowels[randomInt(vowels.length)];
  return s[0].toUpperCase() + s.slice(1);
}
const GIVEN = 'Elena';
const FAMILY = `Dumitru-${suffix()}`;
const BORN = `${new Date().getUTCFullYear() - 24}-09-03`;
const REASON = 'De meldkamer meldt haar sinds vannacht vermist; zij is mogelijk in gevaar en wij zoeken haar nu.';

// What the pages say (the demo users read Dutch).
const T = {
  home: 'Welkom', menu: 'Noodtoegang', title: 'Noodtoegang', forbidden: 'Met uw rol kunt u dit niet doen.',
  signal: 'Signaal melden', submitSignal: 'Signaal opslaan', caseTitle: 'Casus', reference: 'Kenmerk',
  before: ['auditlogboek', 'krijgt direct een e-mail', 'Een auditor beoordeelt', 'De toegang duurt'],
  agency: 'Organisatie die de casus heeft', referenceLabel: 'Kenmerk van de casus', missing: 'vermissing',
  reason: 'Reden', submit: 'Noodtoegang openen', tooShort: 'Schrijf ten minste een zin',
  banner: 'Noodtoegang: u ziet deze casus op grond van vermissing tot ',
  bannerEnd: 'Alles wat u ziet is vastgelegd; de organisatie is geïnformeerd en een auditor beoordeelt deze toegang.',
  reviewMenu: 'Noodtoegang beoordelen', reviewTitle: 'Noodtoegang beoordelen', pending: 'wacht op beoordeling',
  escalate: 'Escaleren voor onderzoek', justified: 'Gerechtvaardigd', record: 'Beoordeling vastleggen',
  noteNeeded: 'Schrijf een toelichting: escaleren kan niet zonder.',
  reviewed: 'Vastgelegd: de toegang was gerechtvaardigd.',
};

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

// The links of the main navigation, by their words.
async function menu(page) {
  return (await page.locator('header nav a').allInnerTexts()).map((t) => t.trim());
}

// The counts of the row `name` of the summary table `id`: total, pending, justified,
// escalated (zeros when the row is not there).
async function counts(page, id, name) {
  const row = page.locator(`#${id} tbody tr`).filter({ has: page.locator('th', { hasText: name }) });
  if ((await row.count()) === 0) return { total: 0, pending: 0, justified: 0, escalated: 0 };
  const cells = (await row.locator('td.num').allInnerTexts()).map((c) => Number(c.trim()));
  return { total: cells[0], pending: cells[1], justified: cells[2], escalated: cells[3] };
}

const browser = await launch();
let page;
try {
  // The shelter's coordinator: no emergency access for a shelter, not in the menu nor
  // by its address.
  const shelter = await signIn(browser, SHELTER_COORDINATOR);
  page = shelter;
  expect(!(await menu(shelter)).includes(T.menu), 'no "Noodtoegang" in the shelter\'s menu');
  expect((await shelter.locator('a[href="/emergency"]').count()) === 0, 'no link to the page at all');
  const refused = await shelter.goto(`${base}/emergency`);
  expect(refused.status() === 403, `the shelter is refused the page (got ${refused.status()})`);
  expect((await shelter.locator('main').innerText()).includes(T.forbidden), 'the page says the role cannot do this');

  // She logs a signal, which opens a case of De Haven: its reference.
  await shelter.goto(`${base}/`);
  await shelter.getByRole('navigation').getByRole('link', { name: T.signal, exact: true }).click();
  expect((await heading(shelter)) === T.signal, 'the signal form');
  await shelter.locator('#observed_on').fill(daysAgo(1));
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
  expect((await heading(shelter)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case opened from the signal');
  const reference = (await shelter.locator('dl.facts').first().locator('dt', { hasText: T.reference })
    .locator('xpath=following-sibling::dd[1]').innerText()).trim();
  expect(/^\d{4}-\d{6,}$/.test(reference), `the case's reference (got ${JSON.stringify(reference)})`);
  console.log(`De Haven's case ${reference}`);
  await logout(shelter);

  // The police coordinator: "Noodtoegang" in his menu; the page says what follows.
  const police = await signIn(browser, POLICE);
  page = police;
  expect((await menu(police)).includes(T.menu), '"Noodtoegang" in the police\'s menu');
  await police.getByRole('navigation').getByRole('link', { name: T.menu, exact: true }).click();
  await police.waitForURL(/\/emergency$/);
  expect((await heading(police)) === T.title, 'the emergency page');
  const before = await police.locator('.emergency').innerText();
  for (const words of T.before) expect(before.includes(words), `the page says before sending: ${words}`);
  await accessible(police, 'emergency-form');

  // De Haven, the reference, a missing person, and a reason that is no sentence: the form
  // comes back with its message and all he typed.
  const agency = police.getByLabel(T.agency, { exact: true });
  const option = agency.locator('option', { hasText: SHELTER });
  expect((await option.count()) === 1, `the form offers ${SHELTER}`);
  const shelterId = await option.getAttribute('value');
  await agency.selectOption(shelterId);
  await police.getByLabel(T.referenceLabel, { exact: true }).fill(reference);
  await police.getByRole('radio', { name: T.missing, exact: true }).check();
  await police.getByLabel(T.reason, { exact: true }).fill('spoed');
  await police.getByRole('button', { name: T.submit }).click();
  await police.waitForLoadState();
  expect((await police.locator('#form-problems').innerText()).includes(T.tooShort), 'the reason is refused, with why');
  expect((await police.locator('#reason-error').innerText()).includes(T.tooShort), 'next to the reason');
  expect((await agency.inputValue()) === shelterId, 'the agency as chosen');
  expect((await police.getByLabel(T.referenceLabel, { exact: true }).inputValue()) === reference, 'the reference as typed');
  expect(await police.getByRole('radio', { name: T.missing, exact: true }).isChecked(), 'the ground as chosen');
  expect((await police.getByLabel(T.reason, { exact: true }).inputValue()) === 'spoed', 'the reason as typed');
  await accessible(police, 'emergency-refused');

  // A real reason: the case page, with the banner and her name, without a note form.
  await police.getByLabel(T.reason, { exact: true }).fill(REASON);
  await police.getByRole('button', { name: T.submit }).click();
  await police.waitForURL(caseUrl);
  expect((await heading(police)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case, with her name');
  const banner = (await police.locator('#emergency-banner').innerText()).trim();
  expect(banner.startsWith(T.banner), `the banner names the ground and the end (got ${JSON.stringify(banner)})`);
  expect(banner.includes(T.bannerEnd), 'the banner says it is recorded, told and reviewed');
  expect(/tot \d{4}-\d{2}-\d{2} \d{2}:\d{2}\./.test(banner), 'until when, in Netherlands time');
  expect((await police.locator('#note_text').count()) === 0, 'no form to write a note');
  expect((await police.locator('form[action$="/notes"], input[name="form_kind"][value="note"]').count()) === 0,
    'no note form of any kind');
  expect((await police.locator(`a[href$="/referrals/new"], form[action$="/documents"]`).count()) === 0,
    'no referring, no uploading');
  await accessible(police, 'emergency-case');
  await logout(police);

  // The auditor: the access waits for review, with the police coordinator's name.
  const auditor = await signIn(browser, AUDITOR);
  page = auditor;
  expect((await menu(auditor)).includes(T.reviewMenu), '"Noodtoegang beoordelen" in the auditor\'s menu');
  await auditor.getByRole('navigation').getByRole('link', { name: T.reviewMenu, exact: true }).click();
  await auditor.waitForURL(/\/audit\/emergency$/);
  expect((await heading(auditor)) === T.reviewTitle, 'the review page');
  const access = () => auditor.locator('li.review', { hasText: reference });
  expect((await access().count()) === 1, `the access to ${reference} waits for review`);
  const facts = await access().innerText();
  expect(facts.includes(POLICE_NAME) && facts.includes(POLICE_AGENCY), 'who broke the glass');
  expect(facts.includes(SHELTER) && facts.includes(T.missing) && facts.includes(T.pending), 'which case, why, pending');
  expect(facts.includes(REASON), 'the reason');
  expect((await access().locator('a[href^="/cases/"]').count()) === 0, 'no link to the case');
  const earlier = await counts(auditor, 'by-agency', POLICE_AGENCY);
  expect(earlier.pending >= 1, `the police have a pending access (got ${JSON.stringify(earlier)})`);
  await accessible(auditor, 'emergency-review');

  // Escalating without a note: refused, with the message next to the note.
  await access().getByRole('radio', { name: T.escalate, exact: true }).check();
  await access().getByRole('button', { name: new RegExp(`^${T.record}`) }).click();
  await auditor.waitForLoadState();
  expect((await access().locator('.field-error').innerText()).trim() === T.noteNeeded, 'an escalation needs a note');
  expect(await access().getByRole('radio', { name: T.escalate, exact: true }).isChecked(), 'the verdict as chosen');
  await accessible(auditor, 'emergency-review-refused');

  // Justified, with a note: it leaves the pending list, and the counts show it.
  await access().getByRole('radio', { name: T.justified, exact: true }).check();
  await access().locator('textarea[name="note"]').fill('Vermissing bevestigd door de meldkamer; toegang was nodig.');
  await access().getByRole('button', { name: new RegExp(`^${T.record}`) }).click();
  await auditor.waitForURL(/\/audit\/emergency\?review=pending&done=justified$/);
  expect((await auditor.getByRole('status').first().innerText()).trim() === T.reviewed, 'the review is confirmed');
  expect((await access().count()) === 0, 'it left the pending list');
  const later = await counts(auditor, 'by-agency', POLICE_AGENCY);
  expect(later.total === earlier.total && later.justified === earlier.justified + 1 && later.pending === earlier.pending - 1,
    `the police's counts: one more justified (before ${JSON.stringify(earlier)}, after ${JSON.stringify(later)})`);
  expect(later.total >= 1, 'the police have at least one access in the last 90 days');
  const worker = await counts(auditor, 'by-user', POLICE_NAME);
  expect(worker.justified >= 1, `${POLICE_NAME}'s accesses are counted (got ${JSON.stringify(worker)})`);
  console.log(`the police's emergency accesses in 90 days: ${later.total} (${later.justified} justified)`);
  await accessible(auditor, 'emergency-reviewed');
  await logout(auditor);
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
