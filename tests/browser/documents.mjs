// Documents on a case in a real browser, against `schakel serve --demo` with a ClamAV
// daemon (SCHAKEL_DOCUMENTS__CLAMD_ADDRESS) that the server's scan job reaches:
//   the municipality's caseworker opens a case of a fictional person (logged through the
//   API, with the person's consent to share with a shelter), tries a text file (refused
//   with a message), uploads a small PDF made here with a canary string inside, sees it
//   waiting for the malware scan and reloads until it can be downloaded; the download
//   holds exactly the bytes uploaded, with the headers that keep it out of the site's
//   origin; she shares it and refers the case to the shelter from its page;
//   the shelter's coordinator accepts, opens the case and downloads the shared document;
//   a coordinator of an agency with no part in the case gets the not-found page for the
//   download's address; the caseworker finally removes the document, and its address
//   then leads to the case with a message.
// Every page the walk stops at is checked with axe-core and saved as a screenshot. The
// person's name is new on every run, so the script runs again against the same server
// (and after the other scripts).
import { readFileSync } from 'node:fs';
import { accessible, api, base, expect, failed, heading, launch, login, logout, pagesChecked, token } from './lib.mjs';

const CASEWORKER = 'caseworker@demo.schakel.invalid';
const SHELTER_COORDINATOR = 'shelter@demo.schakel.invalid';
const STRANGER = 'legalaid@demo.schakel.invalid';
const SHELTER = 'Opvang De Haven';

// A family name of this run only (letters: a name holds no digits).
const run = Date.now().toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
const FAMILY = `Documentroute-${run[0].toUpperCase()}${run.slice(1)}`;
const TITLE = `Verklaring werkgever (${run})`;
const CANARY = `schakel-canary-${run}`;

// A small, well-formed PDF with the canary in a comment.
const PDF = Buffer.from([
  '%PDF-1.4',
  '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj',
  `% ${CANARY}`,
  'trailer << /Root 1 0 R >>',
  '%%EOF',
  '',
].join('\n'));

// What the pages say (the demo users read Dutch).
const T = {
  prefTitle: 'Uw voorkeuren', prefTitleEn: 'Your preferences', prefLanguageEn: 'Language of the pages and of your emails',
  prefSaveEn: 'Save the preferences', home: 'Welkom', caseTitle: 'Casus',
  documents: 'Documenten', noDocuments: 'Nog geen documenten.', file: 'Bestand', title: 'Titel (niet verplicht)',
  submit: 'Document toevoegen', added: 'Document toegevoegd; het kan worden gedownload zodra de controle op malware is geslaagd.',
  wrongType: 'Alleen PDF-, JPEG- of PNG-bestanden kunnen worden toegevoegd',
  pending: 'Wacht op de controle op malware', download: 'Downloaden', share: 'Delen',
  sharedDone: 'Het document wordt nu gedeeld met de organisaties die de identiteit zien.',
  sharedYes: 'gedeeld met de organisaties die de identiteit zien', ownOnly: 'alleen de eigen organisatie',
  remove: 'Verwijderen', removeSubmit: 'Dit document definitief verwijderen',
  removedDone: 'Het document is van de casus verwijderd.', gone: 'Dit document is van de casus verwijderd.',
  referralTitle: 'Verwijzing', accept: 'Accepteren', accepted: 'geaccepteerd', toCase: 'Naar de casus',
  errorTitle: 'Er klopt iets niet', notFound: 'Deze pagina bestaat niet, of u mag haar niet zien.',
};

// Through the API: a signal and the case opened from it, with the person's consent to
// share with a shelter for shelter. Returns the case's address.
async function openCase() {
  const caseworker = await token(CASEWORKER);
  const today = new Date().toISOString().slice(0, 10);
  const signal = await api('POST', '/api/v1/signals', caseworker, {
    observed_on: today, region: 'midden_nederland', exploitation_forms: ['labour'], reporting_basis: 'consent',
    person: { identity: { given_names: 'Marta', family_name: FAMILY, date_of_birth: '1991-04-17' }, gender: 'female' },
  });
  expect(signal.status === 201, `the signal is logged: ${JSON.stringify(signal.body)}`);
  const opened = await api('POST', '/api/v1/cases', caseworker, { signal_id: signal.body.id });
  expect(opened.status === 201, 'the case is opened');
  const consent = await api('POST', `/api/v1/cases/${opened.body.id}/consents`, caseworker, {
    kind: 'consent', recipient_kinds: ['shelter'], purposes: ['shelter'], given_by: 'person', given_on: today,
  }, opened.etag);
  expect(consent.status === 201, `the consent is recorded: ${JSON.stringify(consent.body)}`);
  return `${base}/cases/${opened.body.id}`;
}

// Logs `email` in on a page of its own browser context, in Dutch (a run that failed half
// way elsewhere may have left the user in English).
async function signIn(browser, email) {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true, acceptDownloads: true });
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

// The documents section of the case page.
function section(page) {
  return page.getByRole('region', { name: T.documents, exact: true });
}

// The document of this run in the section.
function item(page) {
  return section(page).locator('li', { hasText: TITLE });
}

// Clicks the download link of the document and returns the bytes the browser saved.
async function download(page) {
  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    item(page).getByRole('link', { name: new RegExp(`^${T.download}`) }).click(),
  ]);
  expect(saved.suggestedFilename().endsWith('.pdf'), `a PDF is saved (${saved.suggestedFilename()})`);
  expect(!saved.suggestedFilename().includes(run), 'named without its title');
  return readFileSync(await saved.path());
}

const browser = await launch();
let page;
try {
  const caseUrl = await openCase();
  const worker = await signIn(browser, CASEWORKER);
  page = worker;
  await worker.goto(caseUrl);
  expect((await heading(worker)).includes(FAMILY), 'the case page names the person');
  expect((await section(worker).innerText()).includes(T.noDocuments), 'no documents yet');
  await accessible(worker, 'case-documents-empty');

  // A text file is refused, whatever it is called; the title typed is kept.
  await worker.getByLabel(T.file, { exact: true }).setInputFiles({
    name: 'verklaring.pdf', mimeType: 'application/pdf', buffer: Buffer.from('Dit is geen PDF.\n'),
  });
  await worker.getByLabel(T.title).fill(TITLE);
  await section(worker).getByRole('button', { name: T.submit }).click();
  await worker.waitForLoadState();
  expect((await section(worker).getByRole('alert').innerText()).startsWith(T.wrongType), 'refused with a message');
  expect((await worker.getByLabel(T.title).inputValue()) === TITLE, 'the title is kept');
  await accessible(worker, 'case-document-refused');

  // The PDF: added, waiting for the scan.
  await worker.getByLabel(T.file, { exact: true }).setInputFiles({ name: 'verklaring.pdf', mimeType: 'application/pdf', buffer: PDF });
  await section(worker).getByRole('button', { name: T.submit }).click();
  await worker.waitForURL(/done=document_added/);
  expect((await section(worker).getByRole('status').innerText()) === T.added, 'the upload is confirmed');
  expect((await item(worker).count()) === 1, 'the document is listed');
  const listed = await item(worker).innerText();
  expect(listed.includes('PDF') && listed.includes('1 KB') && listed.includes(T.ownOnly), `listed with kind, size and audience: ${listed}`);
  expect(listed.includes(T.pending) || listed.includes(T.download), 'waiting for the scan (or already scanned)');
  if (listed.includes(T.pending)) await accessible(worker, 'case-document-pending');

  // The server scans every few seconds: reload until the link is there (at most 60 s).
  const link = item(worker).getByRole('link', { name: new RegExp(`^${T.download}`) });
  for (let waited = 0; (await link.count()) === 0; waited += 1000) {
    expect(waited < 60000, 'the document is scanned within a minute (is clamd running?)');
    await worker.waitForTimeout(1000);
    await worker.reload();
  }
  const href = await link.getAttribute('href');
  expect(/^\/documents\/[0-9a-f-]+\/download$/.test(href), `the download's address (${href})`);
  await accessible(worker, 'case-document-scanned');
  const mine = await download(worker);
  expect(mine.equals(PDF) && mine.includes(CANARY), 'the caseworker downloads the bytes uploaded');
  const res = await worker.context().request.get(`${base}${href}`);
  expect(res.status() === 200 && res.headers()['content-type'] === 'application/pdf', 'served as a PDF');
  expect(res.headers()['content-disposition'].startsWith('attachment; filename="'), 'as an attachment');
  expect(res.headers()['x-content-type-options'] === 'nosniff' && res.headers()['cache-control'] === 'no-store',
    'never sniffed or kept');
  expect(res.headers()['content-security-policy'] === 'sandbox', 'sandboxed were it ever shown');

  // Shared, then referred to the shelter from the case page.
  await item(worker).getByRole('button', { name: new RegExp(`^${T.share}`) }).click();
  await worker.waitForURL(/done=document_shared/);
  expect((await section(worker).getByRole('status').innerText()) === T.sharedDone, 'sharing is confirmed');
  expect((await item(worker).innerText()).includes(T.sharedYes), 'listed as shared');
  await accessible(worker, 'case-document-shared');
  await worker.goto(`${caseUrl}/referrals/new?kind=shelter_categorical`);
  const option = worker.locator('#to_agency option', { hasText: SHELTER });
  expect((await option.count()) === 1, `the directory lists ${SHELTER}`);
  await worker.locator('#to_agency').selectOption(await option.getAttribute('value'));
  await worker.locator('#purpose').selectOption('shelter');
  await worker.locator('#urgency-normal').check();
  await worker.locator('form[method="post"][action$="/referrals/new"] button[type="submit"]').click();
  await worker.waitForURL(/\/referrals\/[0-9a-f-]+\?done=sent$/);
  expect(await worker.getByRole('status').isVisible(), 'the page says the referral was sent');
  const referral = worker.url().split('?')[0];

  // The shelter accepts and downloads the shared document.
  const shelter = await signIn(browser, SHELTER_COORDINATOR);
  page = shelter;
  await shelter.goto(referral);
  expect((await heading(shelter)).startsWith(T.referralTitle), 'the referral page');
  await shelter.getByRole('button', { name: T.accept }).click();
  expect(await shelter.getByText(T.accepted, { exact: true }).isVisible(), 'accepted');
  await shelter.getByRole('link', { name: T.toCase }).click();
  expect(shelter.url() === caseUrl, 'the referral leads to the case');
  expect((await heading(shelter)).includes(FAMILY), 'the consent lets the shelter see who the person is');
  expect((await item(shelter).count()) === 1, 'the shelter reads the shared document');
  expect((await item(shelter).getByRole('button').count()) === 0, 'but may not share or remove it');
  await accessible(shelter, 'shelter-case-document');
  const theirs = await download(shelter);
  expect(theirs.equals(PDF) && theirs.includes(CANARY), 'the shelter downloads the bytes uploaded');
  await logout(shelter);

  // An agency with no part in the case: the not-found page, nothing of the file.
  const stranger = await signIn(browser, STRANGER);
  page = stranger;
  const refused = await stranger.goto(`${base}${href}`);
  expect(refused.status() === 404, `an unrelated agency gets 404 (got ${refused.status()})`);
  expect((await heading(stranger)) === T.errorTitle && (await stranger.getByText(T.notFound).count()) === 1,
    'the not-found page');
  expect(!(await stranger.content()).includes(CANARY), 'nothing of the file');
  await accessible(stranger, 'stranger-document-not-found');
  await logout(stranger);

  // The caseworker removes it; its address then leads to the case with a message.
  page = worker;
  await worker.goto(caseUrl);
  await item(worker).locator('summary').click();
  await item(worker).getByRole('button', { name: new RegExp(`^${T.removeSubmit}`) }).click();
  await worker.waitForURL(/done=document_removed/);
  expect((await section(worker).getByRole('status').innerText()) === T.removedDone, 'the removal is confirmed');
  expect((await item(worker).count()) === 0, 'the document is no longer listed');
  const gone = await worker.goto(`${base}${href}`);
  expect(gone.status() === 409, `a removed document is not served (got ${gone.status()})`);
  expect((await section(worker).getByRole('alert').innerText()) === T.gone, 'and the case says why');
  await accessible(worker, 'case-document-removed');
  await logout(worker);
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
