// Case work across three agencies in a real browser, against `schakel serve --demo`
// (with the second factor required of admins, and a monitor threshold of five):
//   the municipality's caseworker logs a signal (a bad form first: messages next to the
//   fields, nothing typed lost), opens the case (a message naming the next step), sends
//   the consent form empty (the problems summarised above it and focused, the address
//   still the case page's), records a legal basis for shelter, and refers the person to
//   the shelter, to care coordination and to the police, each step confirmed and
//   withdrawing never the primary action;
//   the shelter's coordinator sees only the summary, accepts from the inbox and then sees
//   the person on the case page; care coordination declines with a reason; the
//   caseworker withdraws the referral to the police (after a confirmation step) and sees
//   all three outcomes in the
//   list of sent referrals (the open one, the ended ones under their own tab); with four
//   more persons referred to the shelter (through the API) the analyst's dashboard shows
//   the flow at the server's threshold of five; the
//   auditor verifies the chain of the trail; the admin logs in with an authenticator
//   code after enrolling.
// Every page visited is checked with axe-core and saved as a screenshot. The demo users
// read Dutch.
import {
  accessible, api, base, expect, failed, heading, keepAuthenticator, launch, login, logout, pagesChecked,
  token, totp,
} from './lib.mjs';

const FAMILY = 'Kowalczyk-Browsertest';
// The agency kinds as the Dutch dashboard names them.
const MUNICIPALITY = 'gemeente';
const SHELTER = 'categorale opvang';

// Through the API: `n` more persons referred by the municipality to the shelter and
// accepted there, so the flow between the two reaches the monitor's threshold.
async function moreReferralsToTheShelter(n) {
  const caseworker = await token('caseworker@demo.schakel.invalid');
  const shelter = await token('shelter@demo.schakel.invalid');
  const directory = await api('GET', '/api/v1/directory/agencies?kind=shelter_categorical', caseworker);
  const to = directory.body.find((a) => a.name === 'Opvang De Haven').id;
  for (let i = 0; i < n; i++) {
    const signal = await api('POST', '/api/v1/signals', caseworker, {
      observed_on: '2026-10-05', region: 'midden_nederland', exploitation_forms: ['labour'],
      reporting_basis: 'consent',
      person: { identity: { given_names: `Persoon ${i}`, family_name: `Vloeitest${i}`, date_of_birth: '1990-01-01' }, gender: 'male' },
    });
    expect(signal.status === 201, `signal ${i}: ${JSON.stringify(signal.body)}`);
    const opened = await api('POST', '/api/v1/cases', caseworker, { signal_id: signal.body.id });
    expect(opened.status === 201, `case ${i}`);
    const basis = await api('POST', `/api/v1/cases/${opened.body.id}/consents`, caseworker, {
      kind: 'legal_basis', recipient_kinds: ['shelter'], purposes: ['shelter'], legal_basis: 'vital_interest',
      reason: 'Acuut gevaar, onderdak nodig', given_on: '2026-10-06',
    }, opened.etag);
    expect(basis.status === 201, `legal basis ${i}`);
    const referral = await api('POST', `/api/v1/cases/${opened.body.id}/referrals`, caseworker,
      { to_agency_id: to, purpose: 'shelter', urgency: 'urgent' });
    expect(referral.status === 201, `referral ${i}`);
    const accepted = await api('POST', `/api/v1/referrals/${referral.body.id}/accept`, shelter, null, '"1"');
    expect(accepted.status === 200, `accepted ${i}`);
  }
}

const browser = await launch();
let page;
try {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  page = await context.newPage();

  // The caseworker: a signal form sent half filled keeps what was typed.
  await login(page, 'caseworker@demo.schakel.invalid');
  await page.goto(`${base}/signals/new`);
  expect((await heading(page)) === 'Signaal melden', 'the signal form');
  await accessible(page, 'signal-form');
  await page.locator('#given_names').fill('Mira');
  await page.locator('#family_name').fill(FAMILY);
  await page.locator('form[action="/signals/new"]').getByRole('button', { name: 'Signaal opslaan' }).click();
  expect((await page.locator('[aria-invalid="true"]').count()) >= 1, 'the missing fields are marked');
  expect((await page.locator('#family_name').inputValue()) === FAMILY, 'the typed name is kept');
  await accessible(page, 'signal-form-refused');

  // Filled in properly: the signal opens the case, which shows the person.
  await page.locator('#observed_on').fill('2026-10-01');
  await page.locator('#region').selectOption('midden_nederland');
  await page.locator('#form-labour').check();
  await page.locator('#act').check();
  await page.locator('#purpose').check();
  await page.locator('#reporting_basis').selectOption('consent');
  await page.locator('#date_of_birth').fill('1999-05-05');
  await page.locator('#gender').selectOption('female');
  await page.locator('form[action="/signals/new"]').getByRole('button', { name: 'Signaal opslaan' }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]+\?done=signal_saved$/);
  const caseUrl = page.url().replace('?done=signal_saved', '');
  expect((await heading(page)).includes(FAMILY), 'the case page names the person');
  expect((await page.getByRole('status').innerText()).startsWith('Signaal opgeslagen; de casus is geopend.'),
    'the saving is confirmed, with the next step');
  await accessible(page, 'case');

  // A consent sent without its choices: refused at the case page's own address, the
  // problems summarised above the form, the focus on that summary, each problem a link.
  await page.locator('#form-consent button[type="submit"]').click();
  await page.waitForLoadState();
  expect(page.url() === caseUrl, `the address stays the case page's (${page.url()})`);
  expect(await page.evaluate(() => document.activeElement?.id) === 'form-problems', 'the focus is on the summary');
  const problems = page.locator('#form-problems li a');
  expect((await problems.count()) >= 1, 'each problem is listed');
  const first = await problems.first().getAttribute('href');
  expect((await page.locator(first).count()) === 1, `the problem links to its message (${first})`);
  await accessible(page, 'consent-refused');

  // A legal basis that lets the shelter see who the person is.
  await page.locator('#kind-legal_basis').check();
  await page.locator('#recipient-shelter').check();
  await page.locator('#purpose-shelter').check();
  await page.locator('#legal_basis').selectOption('vital_interest');
  await page.locator('#reason').fill('Acuut gevaar: de persoon heeft vannacht onderdak nodig.');
  await page.locator('#given_on').fill('2026-10-02');
  await page.locator('#form-consent button[type="submit"]').click();
  await page.waitForLoadState();
  expect(page.url().startsWith(caseUrl), 'back on the case page');
  expect((await page.getByRole('status').innerText()).startsWith('Toestemming vastgelegd.'), 'the consent is confirmed');
  expect(await page.getByText('Acuut gevaar').first().isVisible(), 'the legal basis is recorded with its reason');

  // Three referrals: to the shelter, to care coordination, to the police.
  async function refer(kind, agency, purpose) {
    await page.goto(`${caseUrl}/referrals/new?kind=${kind}`);
    expect((await heading(page)) === 'De casus verwijzen', 'the referral form');
    const option = page.locator('#to_agency option', { hasText: agency });
    expect((await option.count()) === 1, `the directory lists ${agency}`);
    await page.locator('#to_agency').selectOption(await option.getAttribute('value'));
    await page.locator('#purpose').selectOption(purpose);
    await page.locator('#urgency-urgent').check();
    await page.locator('form[method="post"][action$="/referrals/new"] button[type="submit"]').click();
    await page.waitForLoadState();
    expect(!page.url().endsWith('/referrals/new'), `the referral to ${agency} is sent`);
    expect((await page.getByRole('status').innerText()).startsWith('Verwijzing verstuurd naar'), 'the sending is confirmed');
    const primary = page.locator('main button:not(.secondary):not(.danger), main a.button');
    expect(!(await primary.allInnerTexts()).some((t) => t.includes('Intrekken')), 'withdrawing is never the primary action');
  }
  await page.goto(`${caseUrl}/referrals/new?kind=shelter_categorical`);
  await accessible(page, 'referral-form');
  await refer('shelter_categorical', 'Opvang De Haven', 'shelter');
  await refer('care_coordination', 'Zorgcoördinatie Midden-Nederland', 'care_coordination');
  await refer('police', 'Politie Midden-Nederland, AVIM', 'law_enforcement');
  await page.goto(`${base}/outgoing`);
  expect((await heading(page)) === 'Verstuurde verwijzingen', 'the sent referrals');
  expect((await page.locator('tbody tr', { hasText: 'Opvang De Haven' }).count()) >= 1, 'the shelter referral is listed');
  await accessible(page, 'outgoing');
  await logout(page);

  // The shelter's coordinator: the summary only, then accepted, then the case.
  await login(page, 'shelter@demo.schakel.invalid');
  await page.goto(`${base}/inbox`);
  const waiting = page.locator('tbody tr', { hasText: 'verstuurd, wacht op antwoord' });
  expect((await waiting.count()) === 1, 'one referral waits in the shelter\'s inbox');
  await waiting.first().getByRole('link').first().click();
  expect(!(await page.content()).includes(FAMILY), 'before accepting, the shelter sees no name');
  expect((await page.locator('a[href^="/cases/"]').count()) === 0, 'and no way to the case');
  await accessible(page, 'shelter-referral');
  await page.locator('#form-accept button').click();
  expect(await page.getByText('geaccepteerd', { exact: true }).isVisible(), 'accepted');
  expect((await page.getByRole('status').innerText()).startsWith('Verwijzing geaccepteerd.'), 'the acceptance is confirmed');
  await page.locator('a[href^="/cases/"]').first().click();
  expect((await heading(page)).includes(FAMILY), 'after accepting, the shelter sees who the person is');
  await accessible(page, 'shelter-case');
  await logout(page);

  // Care coordination declines with a reason.
  await login(page, 'coordinator@demo.schakel.invalid');
  await page.goto(`${base}/inbox`);
  const fromUtrecht = page.locator('tbody tr', { hasText: 'verstuurd, wacht op antwoord' });
  expect((await fromUtrecht.count()) >= 1, 'the referral waits at care coordination');
  await fromUtrecht.first().getByRole('link').first().click();
  await page.locator('#form-decline select').selectOption('no_capacity');
  await page.locator('#form-decline textarea').fill('Geen plek deze week.');
  await page.locator('#form-decline button').click();
  expect(await page.getByText('afgewezen', { exact: true }).isVisible(), 'declined');
  expect((await page.getByRole('status').innerText()).startsWith('Verwijzing afgewezen.'), 'the decline is confirmed');
  await accessible(page, 'declined');
  await logout(page);

  // The caseworker withdraws the referral to the police and sees every outcome.
  await login(page, 'caseworker@demo.schakel.invalid');
  await page.goto(`${base}/outgoing`);
  await page.locator('tbody tr', { hasText: 'Politie' }).first().getByRole('link').first().click();
  expect(!(await page.locator('#form-withdraw button').isVisible()), 'withdrawing asks for a confirmation first');
  await page.locator('#withdraw summary').click();
  await page.locator('#form-withdraw textarea').fill('De politie is al betrokken.');
  await page.locator('#form-withdraw button').click();
  expect(await page.getByText('ingetrokken', { exact: true }).isVisible(), 'withdrawn');
  expect((await page.getByRole('status').innerText()).startsWith('Verwijzing ingetrokken.'), 'the withdrawal is confirmed');
  // The open one in the list of sent referrals, the ended ones a click away.
  await page.goto(`${base}/outgoing`);
  expect((await page.locator('tbody tr', { hasText: 'Opvang De Haven' }).filter({ hasText: 'geaccepteerd' }).count()) >= 1,
    'the referral to the shelter shows accepted');
  await page.getByRole('link', { name: 'Afgerond' }).click();
  for (const [agency, state] of [['Zorgcoördinatie', 'afgewezen'], ['Politie', 'ingetrokken']]) {
    expect((await page.locator('tbody tr', { hasText: agency }).filter({ hasText: state }).count()) >= 1,
      `the referral to ${agency} shows ${state}`);
  }
  await accessible(page, 'outgoing-outcomes');

  // Withdrawing the legal basis: a confirmation step first, never a primary button, then
  // a message saying what follows.
  await page.goto(caseUrl);
  const withdrawConsent = page.locator('details.confirm', { hasText: 'wettelijke grondslag' }).first();
  expect(!(await withdrawConsent.locator('button').isVisible()), 'withdrawing a consent asks for a confirmation first');
  await withdrawConsent.locator('summary').click();
  expect((await withdrawConsent.locator('button').getAttribute('class')) === 'danger', 'and is never the primary action');
  await withdrawConsent.locator('button').click();
  await page.waitForLoadState();
  expect((await page.getByRole('status').innerText()).startsWith('Toestemming ingetrokken.'), 'the withdrawal is confirmed');
  await logout(page);

  // The analyst sees the flow from the municipality to the shelter appear: five persons,
  // the threshold of this server, so the cell is shown (four more through the API).
  // The monitor is fed through the outbox, a moment after each handoff: the analyst
  // reloads the dashboard until the last of the five has arrived (at most 30 seconds).
  await moreReferralsToTheShelter(4);
  await login(page, 'analyst@demo.schakel.invalid');
  const flow = page.locator('section#flows tbody tr', { hasText: MUNICIPALITY }).filter({ hasText: SHELTER });
  const year = new Date().getUTCFullYear();
  let sent = '';
  for (let waited = 0; ; waited += 500) {
    await page.goto(`${base}/analyst?from=${year}-01&to=${year}-12`);
    expect((await heading(page)) === 'Dashboard van de monitor', 'the analyst\'s dashboard');
    expect((await flow.count()) === 1, 'the flow from the municipality to the shelter has a row');
    sent = (await flow.locator('td').first().innerText()).trim();
    if (sent === '5' || waited >= 30000) break;
    await page.waitForTimeout(500);
  }
  expect(sent === '5', `five referrals sent from the municipality to the shelter are shown (got ${sent})`);
  expect((await page.locator('section#flows [role="img"]').first().getAttribute('aria-label')).length > 0, 'the chart, drawn into the page, has a text alternative');
  await accessible(page, 'analyst');
  await logout(page);

  // The auditor verifies the trail that all of this wrote.
  await login(page, 'auditor@demo.schakel.invalid');
  await page.goto(`${base}/audit`);
  expect((await heading(page)) === 'Auditlogboek', 'the audit trail');
  expect((await page.locator('tbody tr').count()) >= 10, 'the trail lists what happened');
  await accessible(page, 'audit');
  await page.locator('form[action="/audit/verify"] button').click();
  expect((await page.getByRole('status').innerText()).startsWith('De keten is intact'), 'the chain is intact');
  await accessible(page, 'audit-verified');
  await logout(page);

  // The admin must give a second factor: enrolment shows the QR code, the key and the
  // setup link; the code lets in.
  await login(page, 'admin@demo.schakel.invalid');
  await page.waitForURL(/\/login\/code$/);
  const uri = await page.locator('#otpauth').getAttribute('href');
  expect(uri.startsWith('otpauth://totp/'), 'the enrolment shows the authenticator key');
  const qr = page.getByRole('img', { name: 'QR-code die Schakel toevoegt aan uw authenticator-app' });
  expect(await qr.locator('svg').isVisible(), 'the enrolment shows the QR code');
  const box = await qr.locator('svg').boundingBox();
  expect(box.width >= 190 && box.width <= 250 && box.width === box.height, `a square code of about 224 px: ${box.width}`);
  const secret = new URL(uri).searchParams.get('secret');
  expect((await page.locator('#secret').innerText()).replaceAll(' ', '') === secret, 'the key to type is the secret');
  keepAuthenticator('admin@demo.schakel.invalid', uri);
  await accessible(page, 'totp-enrol');
  await page.locator('#code').fill('000000' === totp(uri) ? '111111' : '000000');
  await page.locator('form[action="/login/code"] button').click();
  expect(await page.getByRole('alert').isVisible(), 'a wrong code is refused');
  await page.locator('#code').fill(totp(uri));
  await page.locator('form[action="/login/code"] button').click();
  expect((await heading(page)) === 'Uw herstelcodes', 'the first right code shows the recovery codes');
  const codes = await page.locator('#recovery-codes li').allInnerTexts();
  expect(codes.length === 10 && codes.every((c) => /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(c.trim())), `ten recovery codes: ${codes}`);
  await accessible(page, 'recovery-codes');
  await page.locator('#recovery-next').click();
  expect((await heading(page)).startsWith('Welkom'), 'then the admin is in');
  await accessible(page, 'admin-start');
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
