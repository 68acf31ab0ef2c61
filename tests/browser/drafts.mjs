// Drafts in a real browser, through the pages only, against `schakel serve --demo`:
//   the municipality's caseworker starts a signal for a fictional person (name, an
//   indicator, a form of exploitation, a summary), waits until the form says the draft
//   was saved, types one more field and closes the tab at once (the page saves what was
//   typed as it goes); a colleague of another agency opening that draft's address gets
//   an empty form; in a new tab the caseworker finds the draft under My drafts, resumes
//   it with everything typed back, completes and submits it once: the case opens, the
//   draft is gone from My drafts and the case list finds exactly one case for the name;
//   on the case she types a note without adding it, resumes it from My drafts (the text
//   is back) and discards it there; a finished or discarded draft's address opens an
//   empty form, for her and for the colleague.
// The tab where the signal is first typed keeps the page's own Content-Security-Policy
// (the other tabs set it aside, as the other scripts do, to run axe-core), so the draft
// script is proved to run under the policy a user's browser enforces. Every other page
// visited is checked with axe-core and saved as a screenshot. The person's name is new
// on every run, so the script runs again against the same server (and after the others).
import { accessible, base, expect, failed, heading, launch, login, logout, pagesChecked } from './lib.mjs';

const CASEWORKER = 'caseworker@demo.schakel.invalid';
const COLLEAGUE = 'coordinator@demo.schakel.invalid';

// A family name of this run only (letters: a name holds no digits).
const run = Date.now().toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
const GIVEN = 'Mirela';
const FAMILY = `Conceptroute-${run[0].toUpperCase()}${run.slice(1)}`;
const SUMMARY = `Concept ${run}: gezien bij de groothandel, werkt nachts, woont boven de zaak.`;
const CONTACT = `Via de buurvrouw (${run}), na 18 uur.`;
const NOTE = `Concept-aantekening (${run}): zij belt morgen terug over haar paspoort.`;
const INDICATOR = 'ilo_deception';
const FORM = 'labour';

// What the pages say (the demo users read Dutch).
const T = {
  home: 'Welkom', prefTitle: 'Uw voorkeuren', prefLanguage: 'Language of the pages and of your emails',
  prefSave: 'Save the preferences', signalTitle: 'Signaal melden', submitSignal: 'Signaal opslaan',
  drafts: 'Mijn concepten', noDrafts: 'U hebt geen concepten.', signalForm: 'Signaal', noteForm: 'Aantekening',
  discard: 'Weggooien', discarded: 'Het concept is weggegooid.', savedAt: 'Concept bewaard om',
  cases: 'Casussen', caseTitle: 'Casus', search: 'Een persoon zoeken', showCases: 'Casussen tonen',
  anyStatus: 'open of gesloten',
};

// A page in `context`; `checkable` sets the page's Content-Security-Policy aside (as
// `bypassCSP` does for a whole context) so that axe-core can be added to it.
async function tab(context, checkable = true) {
  const page = await context.newPage();
  if (checkable) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.setBypassCSP', { enabled: true });
  }
  return page;
}

// Logs `email` in; the interface is Dutch (a run of another script that failed half way
// may have left the user in English).
async function signIn(page, email) {
  await login(page, email);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(`${base}/account/preferences`);
  if ((await heading(page)) !== T.prefTitle) {
    await page.getByLabel(T.prefLanguage).selectOption('nl');
    await page.getByRole('button', { name: T.prefSave }).click();
    expect((await heading(page)) === T.prefTitle, `${email}'s pages are in Dutch again`);
  }
  await page.goto(`${base}/`);
  expect((await heading(page)).startsWith(T.home), `${email} is in, in Dutch`);
}

// The page's next save of a draft holding `field` = `value` (what is typed last); set up
// before typing.
function saving(page, field, value) {
  return page.waitForResponse((r) => r.url() === `${base}/drafts/save` && r.request().method() === 'POST'
    && new URLSearchParams(r.request().postData() || '').get(field) === value, { timeout: 20000 });
}

// Waits for that save, and until the form (a selector) says the draft was saved; returns
// the draft's id.
async function saved(page, selector, answer) {
  const response = await answer;
  expect(response.status() === 200, `the draft is saved (got ${response.status()})`);
  const form = page.locator(selector);
  const status = form.locator('.draft-status', { hasText: new RegExp(`^${T.savedAt} \\d{2}:\\d{2}`) });
  await status.waitFor({ timeout: 10000 });
  const id = await form.locator('input[name="draft_id"]').inputValue();
  expect(/^[0-9a-f-]{36}$/.test(id), `the form names its draft (got ${JSON.stringify(id)})`);
  expect(id === (await response.json()).id, 'the draft the server saved');
  return id;
}

// The row of draft `id` under My drafts, opened from the menu.
async function myDrafts(page) {
  await page.getByRole('navigation').getByRole('link', { name: T.drafts, exact: true }).click();
  expect((await heading(page)) === T.drafts, 'My drafts');
}
function draftRow(page, id) {
  return page.locator('tbody tr', { has: page.locator(`a[href*="draft=${id}"]`) });
}

// The signal form as the page shows it: what is typed in it, as a user would read it.
async function signalForm(page) {
  return {
    given: await page.locator('#given_names').inputValue(),
    family: await page.locator('#family_name').inputValue(),
    summary: await page.locator('#summary').inputValue(),
    contact: await page.locator('#contact').inputValue(),
    indicator: await page.locator(`#ind-${INDICATOR}`).isChecked(),
    form: await page.locator(`#form-${FORM}`).isChecked(),
    ticked: await page.locator('form[action="/signals/new"] input[type="checkbox"]:checked').count(),
    draft: await page.locator('form[action="/signals/new"] input[name="draft_id"]').inputValue(),
  };
}

// Expects the signal form on the page to be empty: none of the draft's text, nothing
// ticked, no draft named (so the page's script starts a draft of its own).
async function expectEmptySignalForm(page, who) {
  expect((await heading(page)) === T.signalTitle, `${who}: the signal form`);
  const shown = await signalForm(page);
  expect(shown.given === '' && shown.family === '' && shown.summary === '' && shown.contact === '',
    `${who}: none of the typed text (got ${JSON.stringify(shown)})`);
  expect(shown.ticked === 0, `${who}: nothing ticked`);
  expect(shown.draft === '', `${who}: the form names no draft`);
  const content = await page.content();
  expect(![FAMILY, SUMMARY, CONTACT].some((x) => content.includes(x)), `${who}: nothing of the draft anywhere on the page`);
}

const browser = await launch();
let page;
try {
  // The browsers keep the pages' own policy; each tab that is checked with axe-core sets
  // it aside.
  const caseworker = await browser.newContext({ locale: 'nl-NL' });
  const colleague = await browser.newContext({ locale: 'nl-NL' });

  // She starts a signal, under the policy of the page.
  const first = await tab(caseworker, false);
  page = first;
  await signIn(first, CASEWORKER);
  await first.getByRole('navigation').getByRole('link', { name: T.signalTitle }).click();
  expect((await heading(first)) === T.signalTitle, 'the signal form');
  expect((await signalForm(first)).draft === '', 'a new form names no draft yet');
  const firstSave = saving(first, 'summary', SUMMARY);
  await first.getByLabel('Voornamen', { exact: true }).fill(GIVEN);
  await first.getByLabel('Achternaam', { exact: true }).fill(FAMILY);
  await first.getByLabel('Misleiding', { exact: true }).check();
  await first.getByLabel('arbeidsuitbuiting', { exact: true }).check();
  await first.getByLabel('Samenvatting (niet verplicht)').fill(SUMMARY);
  const signalDraft = await saved(first, 'form[action="/signals/new"]', firstSave);
  // One more field, and the tab is closed before the next save is due.
  await first.getByLabel('Hoe de persoon te bereiken is (niet verplicht)').fill(CONTACT);
  await first.close();

  // A colleague of another agency opening the draft's address sees an empty form, and no
  // draft of hers under My drafts.
  const other = await tab(colleague);
  page = other;
  await signIn(other, COLLEAGUE);
  await other.goto(`${base}/signals/new?draft=${signalDraft}`);
  await expectEmptySignalForm(other, 'the colleague');
  await accessible(other, 'colleague-opens-draft-address');
  await myDrafts(other);
  expect((await draftRow(other, signalDraft).count()) === 0, 'the draft is not among the colleague\'s drafts');
  expect(!(await other.content()).includes(signalDraft), 'nor named anywhere on her list');
  await accessible(other, 'colleague-my-drafts');

  // In a new tab the caseworker finds the draft under My drafts and resumes it.
  const second = await tab(caseworker);
  page = second;
  await second.goto(`${base}/`);
  await myDrafts(second);
  let row = draftRow(second, signalDraft);
  expect((await row.count()) === 1, 'the signal\'s draft is under My drafts');
  expect((await row.getByRole('link').innerText()).trim() === `${T.signalForm}: ${GIVEN} ${FAMILY}`,
    'as a signal, named by the person typed in it');
  await accessible(second, 'my-drafts-signal');
  await row.getByRole('link', { name: T.signalForm }).click();
  await second.waitForURL(`${base}/signals/new?draft=${signalDraft}`);
  expect((await heading(second)) === T.signalTitle, 'the signal form');
  const back = await signalForm(second);
  expect(back.given === GIVEN, `the given names are back (got ${JSON.stringify(back.given)})`);
  expect(back.family === FAMILY, `the family name is back (got ${JSON.stringify(back.family)})`);
  expect(back.summary === SUMMARY, `the summary is back (got ${JSON.stringify(back.summary)})`);
  expect(back.indicator, 'the indicator is ticked again');
  expect(back.form, 'the form of exploitation is ticked again');
  expect(back.ticked === 2, `nothing else is ticked (got ${back.ticked})`);
  expect(back.contact === CONTACT, `what was typed just before the tab closed is back (got ${JSON.stringify(back.contact)})`);
  expect(back.draft === signalDraft, 'the form keeps saving to the same draft');
  await accessible(second, 'signal-form-resumed');

  // She completes it; the page saves it again, to the same draft.
  const completing = saving(second, 'reporting_basis', 'consent');
  await second.getByLabel('Regio', { exact: true }).selectOption({ label: 'Midden-Nederland' });
  await second.getByLabel('Een handeling').check();
  await second.getByLabel('Geboortedatum', { exact: true }).fill('1997-08-14');
  await second.getByLabel('Gender', { exact: true }).selectOption({ label: 'vrouw' });
  await second.getByLabel('Grondslag van de melding').selectOption({ label: 'toestemming van de persoon' });
  expect((await saved(second, 'form[action="/signals/new"]', completing)) === signalDraft, 'the resumed draft is saved, not a new one');
  await accessible(second, 'signal-form-completed');

  // Submitted once: the case opens, and the draft is finished.
  await second.getByRole('button', { name: T.submitSignal }).click();
  await second.waitForURL(/\/cases\/[0-9a-f-]+\?done=signal_saved$/);
  const caseUrl = second.url().replace('?done=signal_saved', '');
  const caseId = caseUrl.split('/').pop();
  expect((await heading(second)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case opened from the signal names the person');
  await accessible(second, 'case-opened');
  await myDrafts(second);
  expect((await draftRow(second, signalDraft).count()) === 0, 'the submitted draft is gone from My drafts');
  expect(!(await second.content()).includes(signalDraft), 'and named nowhere on it');
  await accessible(second, 'my-drafts-after-submit');

  // Exactly one case for the name.
  await second.getByRole('navigation').getByRole('link', { name: T.cases, exact: true }).click();
  expect((await heading(second)) === T.cases, 'the case list');
  await second.getByLabel('Status', { exact: true }).selectOption({ label: T.anyStatus });
  await second.getByRole('group', { name: T.search }).getByLabel('Achternaam', { exact: true }).fill(FAMILY);
  await second.getByRole('button', { name: T.showCases }).click();
  await second.waitForURL(/\/cases\?/);
  const found = second.locator('tbody tr');
  expect((await found.count()) === 1, `one case for ${FAMILY} (got ${await found.count()})`);
  expect((await found.getByRole('link', { name: `${GIVEN} ${FAMILY}` }).getAttribute('href')) === `/cases/${caseId}`,
    'the case the signal opened');
  await accessible(second, 'case-search-one');

  // On the case, a note typed and not added: kept as a draft of its own.
  await found.getByRole('link', { name: `${GIVEN} ${FAMILY}` }).click();
  expect(second.url() === caseUrl, 'the search result opens the case');
  const noteSave = saving(second, 'text', NOTE);
  await second.getByLabel('Aantekening', { exact: true }).fill(NOTE);
  const noteDraft = await saved(second, '#form-note', noteSave);
  expect(noteDraft !== signalDraft, 'a draft of its own');
  await accessible(second, 'case-note-draft-saved');

  // My drafts leads back to it, with the text in the note form.
  await myDrafts(second);
  row = draftRow(second, noteDraft);
  expect((await row.count()) === 1, 'the note\'s draft is under My drafts');
  expect(/^Aantekening: \d{4}-\d{6,}$/.test((await row.getByRole('link').innerText()).trim()),
    'as a note, with its case\'s reference');
  await accessible(second, 'my-drafts-note');
  const resume = await row.getByRole('link').getAttribute('href');
  expect(resume === `/cases/${caseId}?draft=${noteDraft}#notes`, `resumed on the case (got ${resume})`);
  await row.getByRole('link', { name: T.noteForm }).click();
  await second.waitForURL(`${base}${resume}`);
  expect((await heading(second)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case');
  const noteForm = second.locator('#form-note');
  expect((await noteForm.getByLabel('Aantekening', { exact: true }).inputValue()) === NOTE, 'the note\'s text is back');
  expect((await noteForm.locator('input[name="draft_id"]').inputValue()) === noteDraft, 'in the same draft');
  expect((await second.getByRole('region', { name: 'Aantekeningen', exact: true }).locator('ol.notes li').count()) === 0,
    'the note was not added');
  await accessible(second, 'case-note-resumed');

  // She discards it under My drafts.
  await myDrafts(second);
  await draftRow(second, noteDraft).getByRole('button', { name: T.discard }).click();
  await second.waitForURL(`${base}/drafts?done=discarded`);
  expect((await second.getByRole('status').innerText()).trim() === T.discarded, 'the discarding is confirmed');
  expect((await draftRow(second, noteDraft).count()) === 0, 'the note\'s draft is gone');
  await accessible(second, 'my-drafts-discarded');

  // A finished or discarded draft's address opens an empty form.
  await second.goto(`${base}${resume}`);
  expect((await noteForm.getByLabel('Aantekening', { exact: true }).inputValue()) === '', 'the discarded note is not back');
  expect((await noteForm.locator('input[name="draft_id"]').inputValue()) === '', 'nor its draft');
  expect(!(await second.content()).includes(NOTE), 'nowhere on the page');
  await accessible(second, 'case-discarded-note-address');
  await second.goto(`${base}/signals/new?draft=${signalDraft}`);
  await expectEmptySignalForm(second, 'the caseworker, after submitting');
  await accessible(second, 'signal-form-finished-draft-address');
  await logout(second);

  // And the colleague still sees nothing of it.
  page = other;
  await other.goto(`${base}/signals/new?draft=${signalDraft}`);
  await expectEmptySignalForm(other, 'the colleague, after submitting');
  await accessible(other, 'colleague-opens-finished-draft-address');
  await logout(other);
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
