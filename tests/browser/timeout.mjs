// A session that ends while a form is typed, in a real browser, through the pages only,
// against `schakel serve --demo` with a short idle timeout (SCHAKEL_AUTH__IDLE_TIMEOUT_SECS=60):
//   the municipality's caseworker starts a signal for a fictional person (name, an
//   indicator, a summary) and waits until the page has saved it as a draft; the page
//   then warns that the session is about to end, offering to stay signed in (she does
//   not), and later says that it ended. Well after the timeout, without a request in
//   between, she completes the form and submits it: the sign-in page says the session
//   ended and what she typed is kept as a draft. Signing in again leads back to the
//   signal form with the draft (what was saved before the timeout) filled in; she
//   completes it again, submits it once, and the case opens: exactly one case for the
//   name, and the draft is gone from My drafts.
// Every page visited is checked with axe-core and saved as a screenshot (the tab sets the
// page's Content-Security-Policy aside to add axe-core, as the other scripts do; drafts.mjs
// proves the draft script under the policy). The person's name is new on every run, so
// the script runs again against the same server. It takes about three minutes: it waits
// for the session to end.
import { PASSWORD, accessible, base, expect, failed, heading, launch, login, logout, pagesChecked } from './lib.mjs';

const CASEWORKER = 'caseworker@demo.schakel.invalid';

// The idle timeout the server runs with (seconds), and how long after the page's last
// request the session is surely gone: a session's activity is noted at most once a
// minute, so it may last up to a minute more than the timeout after the last request.
const IDLE_SECS = 60;
const GONE_AFTER_MS = (IDLE_SECS + 60 + 10) * 1000;

// A family name of this run only (letters: a name holds no digits).
const run = Date.now().toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
const GIVEN = 'Ioana';
const FAMILY = `Sessieverloop-${run[0].toUpperCase()}${run.slice(1)}`;
const SUMMARY = `Sessie ${run}: gezien bij de autowasstraat, slaapt op het terrein, houdt geen loon over.`;
const INDICATOR = 'ilo_deception';
const FORM = 'labour';

// What the pages say (the demo users read Dutch).
const T = {
  home: 'Welkom', prefTitle: 'Uw voorkeuren', prefLanguage: 'Language of the pages and of your emails',
  prefSave: 'Save the preferences', signalTitle: 'Signaal melden', submitSignal: 'Signaal opslaan',
  drafts: 'Mijn concepten', savedAt: 'Concept bewaard om',
  ending: 'Uw sessie eindigt binnenkort als u niet aangemeld blijft. Wat het laatst werd bewaard, blijft bewaard als concept.',
  stay: 'Aangemeld blijven',
  ended: 'Uw sessie is afgelopen. Uw concept bevat wat tot dan was bewaard; wat u daarna typte, staat nog op deze pagina.',
  signInAgain: 'Meld u opnieuw aan om verder te gaan',
  loginTitle: 'Inloggen',
  kept: 'Uw sessie is afgelopen. Uw concept bevat wat het laatst werd bewaard: meld u opnieuw aan om verder te gaan waar u was.',
  cases: 'Casussen', caseTitle: 'Casus', search: 'Een persoon zoeken', showCases: 'Casussen tonen',
  anyStatus: 'open of gesloten',
};

// A page in `context` whose Content-Security-Policy is set aside so that axe-core can be
// added to it.
async function tab(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setBypassCSP', { enabled: true });
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

// Records every text the draft status of the signal form shows (the page replaces
// "saved at" by the warning at once when the session is this short, too soon to be
// caught by polling).
async function recordStatus(page) {
  await page.evaluate(() => {
    const status = document.querySelector('form[action="/signals/new"] .draft-status');
    globalThis.statusTexts = [];
    new MutationObserver(() => globalThis.statusTexts.push(status.textContent))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
}

// The signal form as the page shows it: what is typed in it, as a user would read it.
async function signalForm(page) {
  return {
    given: await page.locator('#given_names').inputValue(),
    family: await page.locator('#family_name').inputValue(),
    summary: await page.locator('#summary').inputValue(),
    indicator: await page.locator(`#ind-${INDICATOR}`).isChecked(),
    ticked: await page.locator('form[action="/signals/new"] .indicators input[type="checkbox"]:checked').count(),
    draft: await page.locator('form[action="/signals/new"] input[name="draft_id"]').inputValue(),
  };
}

// The fields the signal still needs (typed after the draft was last saved).
async function complete(page) {
  await page.getByLabel('Regio', { exact: true }).selectOption({ label: 'Midden-Nederland' });
  await page.getByLabel('arbeidsuitbuiting', { exact: true }).check();
  await page.getByLabel('Grondslag van de melding').selectOption({ label: 'toestemming van de persoon' });
  await page.getByLabel('Gender', { exact: true }).selectOption({ label: 'vrouw' });
}

async function myDrafts(page) {
  await page.getByRole('navigation').getByRole('link', { name: T.drafts, exact: true }).click();
  expect((await heading(page)) === T.drafts, 'My drafts');
}

const browser = await launch();
let page;
const started = Date.now();
try {
  const caseworker = await browser.newContext({ locale: 'nl-NL' });
  page = await tab(caseworker);
  // When the tab last asked the server anything.
  let lastRequest = Date.now();
  const requests = [];
  page.on('request', (r) => {
    lastRequest = Date.now();
    requests.push(`${r.method()} ${r.url()}`);
  });

  // She starts a signal and waits until the page has saved it.
  await signIn(page, CASEWORKER);
  await page.getByRole('navigation').getByRole('link', { name: T.signalTitle }).click();
  expect((await heading(page)) === T.signalTitle, 'the signal form');
  const form = page.locator('form[action="/signals/new"]');
  const status = form.locator('.draft-status');
  expect((await signalForm(page)).draft === '', 'a new form names no draft yet');
  await recordStatus(page);
  const save = saving(page, 'summary', SUMMARY);
  await page.getByLabel('Voornamen', { exact: true }).fill(GIVEN);
  await page.getByLabel('Achternaam', { exact: true }).fill(FAMILY);
  await page.getByLabel('Misleiding', { exact: true }).check();
  await page.getByLabel('Samenvatting (niet verplicht)').fill(SUMMARY);
  const response = await save;
  expect(response.status() === 200, `the draft is saved (got ${response.status()})`);
  const answer = await response.json();
  expect(answer.idle_secs === IDLE_SECS, `the server runs with a ${IDLE_SECS} s idle timeout (got ${answer.idle_secs}); start it with SCHAKEL_AUTH__IDLE_TIMEOUT_SECS=${IDLE_SECS}`);
  const draft = answer.id;
  expect(/^[0-9a-f-]{36}$/.test(draft), `the server names the draft (got ${JSON.stringify(draft)})`);
  await page.waitForFunction((id) => document.querySelector('form[action="/signals/new"] input[name="draft_id"]').value === id, draft);
  await page.waitForFunction((saved) => globalThis.statusTexts.some((s) => s.startsWith(saved)), T.savedAt);
  const shownSaved = (await page.evaluate(() => globalThis.statusTexts)).find((s) => s.startsWith(T.savedAt));
  expect(new RegExp(`^${T.savedAt} \\d{2}:\\d{2}`).test(shownSaved), `the form says when the draft was saved (got ${JSON.stringify(shownSaved)})`);

  // The session ends a minute after its last activity: the page warns half way through
  // what it surely has left, offering to stay signed in. She does not.
  expect(answer.session_secs > 0 && answer.session_secs < IDLE_SECS, `the page learns how long the session surely lives (got ${answer.session_secs})`);
  await status.filter({ hasText: T.ending }).waitFor({ timeout: IDLE_SECS * 1000 });
  const stay = status.getByRole('button', { name: T.stay, exact: true });
  expect((await stay.count()) === 1 && (await stay.isVisible()), 'the warning offers to stay signed in');
  expect((await status.innerText()).trim() === `${T.ending} ${T.stay}`, `the warning (got ${JSON.stringify(await status.innerText())})`);
  await accessible(page, 'signal-form-session-ending');

  // Then the page says the session ended, with a way to sign in again to the draft.
  const saves = () => requests.filter((r) => r.endsWith('/drafts/save')).length;
  const savesBefore = saves();
  await status.filter({ hasText: T.ended }).waitFor({ timeout: (IDLE_SECS + 15) * 1000 });
  const again = status.getByRole('link', { name: T.signInAgain, exact: true });
  expect((await again.getAttribute('href')) === `/login?draft=${draft}`, `the link signs in to the draft (got ${await again.getAttribute('href')})`);
  expect((await stay.count()) === 0, 'no offer to stay signed in any more');
  await accessible(page, 'signal-form-session-ended');

  // She waits until the session is surely gone, asking the server nothing.
  const wait = lastRequest + GONE_AFTER_MS - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
  expect(Date.now() - lastRequest >= GONE_AFTER_MS, 'no request while waiting');

  // She completes the form (the page saves nothing now) and submits it: the sign-in,
  // which says the draft is kept.
  await complete(page);
  await page.waitForTimeout(4000);
  expect(saves() === savesBefore, `no save after the session ended (${requests.slice(-5).join(', ')})`);
  await page.getByRole('button', { name: T.submitSignal }).click();
  await page.waitForURL(`${base}/login?draft=${draft}`);
  expect((await heading(page)) === T.loginTitle, 'the sign-in page');
  const kept = page.locator('p.done[role="status"]');
  expect((await kept.count()) === 1 && (await kept.innerText()).trim() === T.kept,
    `the page says the session ended and the draft is kept (got ${JSON.stringify(await kept.allInnerTexts())})`);
  expect((await page.locator('form[action="/login"] input[name="draft"]').inputValue()) === draft, 'the sign-in leads to the draft');
  await accessible(page, 'login-draft-kept');

  // She signs in again, there: back on the signal form with what was saved.
  await page.locator('#email').fill(CASEWORKER);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForURL(`${base}/signals/new?draft=${draft}`);
  const signedInAgain = Date.now();
  expect((await heading(page)) === T.signalTitle, 'the signal form');
  const back = await signalForm(page);
  expect(back.given === GIVEN, `the given names are back (got ${JSON.stringify(back.given)})`);
  expect(back.family === FAMILY, `the family name is back (got ${JSON.stringify(back.family)})`);
  expect(back.summary === SUMMARY, `the summary is back (got ${JSON.stringify(back.summary)})`);
  expect(back.indicator, 'the indicator is ticked again');
  expect(back.ticked === 1, `no other indicator is ticked (got ${back.ticked})`);
  expect(back.draft === draft, 'the form keeps saving to the same draft');
  await accessible(page, 'signal-form-resumed-after-timeout');

  // The draft holds what was last saved: she completes the form again and submits it
  // once; the case opens.
  await complete(page);
  await page.getByRole('button', { name: T.submitSignal }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]+\?done=signal_saved$/);
  const caseId = new URL(page.url()).pathname.split('/').pop();
  expect((await heading(page)) === `${T.caseTitle}: ${GIVEN} ${FAMILY}`, 'the case opened from the signal names the person');
  await accessible(page, 'case-opened-after-timeout');

  // The draft is finished.
  await myDrafts(page);
  expect((await page.locator(`tbody a[href*="draft=${draft}"]`).count()) === 0, 'the submitted draft is gone from My drafts');
  expect(!(await page.content()).includes(draft), 'and named nowhere on it');
  await accessible(page, 'my-drafts-after-timeout');

  // Exactly one case for the name: the submit after the timeout saved nothing.
  await page.getByRole('navigation').getByRole('link', { name: T.cases, exact: true }).click();
  expect((await heading(page)) === T.cases, 'the case list');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: T.anyStatus });
  await page.getByRole('group', { name: T.search }).getByLabel('Achternaam', { exact: true }).fill(FAMILY);
  await page.getByRole('button', { name: T.showCases }).click();
  await page.waitForURL(/\/cases\?/);
  const found = page.locator('tbody tr');
  expect((await found.count()) === 1, `one case for ${FAMILY} (got ${await found.count()})`);
  expect((await found.getByRole('link', { name: `${GIVEN} ${FAMILY}` }).getAttribute('href')) === `/cases/${caseId}`,
    'the case the signal opened');
  await accessible(page, 'case-search-one-after-timeout');
  // All of this within the new session's minute.
  const used = Date.now() - signedInAgain;
  expect(used < IDLE_SECS * 1000, `the checks after signing in again took ${Math.round(used / 1000)} s, within the session`);
  await logout(page);
  console.log(`browser: signed in again, the checks took ${Math.round(used / 1000)} s; the whole script ${Math.round((Date.now() - started) / 1000)} s`);
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
