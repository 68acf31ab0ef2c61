// The law-enforcement compartment in a real browser, against `schakel serve --demo`
// (its police coordinator and its prosecution office's coordinator): the police log a
// victim's case through the API; then, all through the pages, they open an
// investigation (a bad form first: messages at the fields, nothing typed lost), register
// a suspect, link the victim's case by its reference and hand the suspect to the
// prosecution; the prosecution's coordinator sees only the summary in the inbox,
// accepts, and records a summons and a conviction with a sentence band; the police see
// the outcome on the investigation. Care coordination's menu shows none of it, and the
// suspect's page answers it 404.
// Every page is checked with axe-core at 1280 and at 360 px wide, without horizontal
// scroll of the page itself. The demo users read Dutch.
import {
  accessible, api, base, expect, failed, heading, launch, login, logout, pagesChecked, token,
} from './lib.mjs';

// Names of this run, so the script can run again against the same server.
const run = String(Date.now() % 1000000);
const PROSECUTION = 'Openbaar Ministerie, Parket Midden-Nederland';
const COORDINATOR = 'prosecution@demo.schakel.invalid';
const POLICE = 'police@demo.schakel.invalid';
const POLICE_AGENCY = 'Politie Midden-Nederland, AVIM';
const VICTIM = `Slachtoffer-Browsertest${run}`;
const SUSPECT = `Uitbuiter-Browsertest${run}`;
const MESSAGE = `Zie het proces-verbaal ${run}.`;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 780 };

// The pixels the page is wider than its window, and what reaches past it.
async function overflow(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const extra = root.scrollWidth - root.clientWidth;
    const past = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(0, 4)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { extra, past };
  });
}

// Checks the page at 1280 px and at 360 px (no horizontal scroll), then back wide.
async function bothWidths(page, name) {
  for (const size of [WIDE, PHONE]) {
    await page.setViewportSize(size);
    const wide = await overflow(page);
    expect(wide.extra <= 0, `${name} at ${size.width} px: no horizontal scroll (${wide.extra} px: ${wide.past.join(', ')})`);
    await accessible(page, `${name}-${size.width}`);
  }
  await page.setViewportSize(WIDE);
}

async function status(page) {
  return (await page.getByRole('status').first().innerText()).trim();
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

// The victim's case of the police, through the API.
const police = await token(POLICE);
const signal = await api('POST', '/api/v1/signals', police, {
  observed_on: today(), region: 'midden_nederland', exploitation_forms: ['sexual'], reporting_basis: 'consent',
  person: { identity: { given_names: 'Iva', family_name: VICTIM, date_of_birth: '1999-02-03' }, gender: 'female' },
});
expect(signal.status === 201, `the police log a signal: ${JSON.stringify(signal.body)}`);
const victimCase = await api('POST', '/api/v1/cases', police, { signal_id: signal.body.id });
expect(victimCase.status === 201, 'and open the victim\'s case');

const browser = await launch();
let page;
try {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  page = await context.newPage();

  // The police: the menu leads to the investigations; a form sent half filled keeps what
  // was typed and says what is missing at each field.
  await login(page, POLICE);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  expect((await page.locator('nav a[href="/investigations"]').count()) === 1, 'the menu links the investigations');
  expect((await page.locator('nav a[href="/suspect-referrals"]').count()) === 0, 'but not the prosecution\'s inbox');
  await page.locator('nav a[href="/investigations"]').click();
  expect((await heading(page)) === 'Onderzoeken', 'the investigations');
  await bothWidths(page, 'investigations');
  await page.locator('#reference').fill(`ON-${run}`);
  await page.locator('form[action="/investigations"] button[type="submit"]').click();
  expect((await page.locator('[aria-invalid="true"]').count()) >= 1, 'the missing fields are marked');
  expect(await page.locator('#forms-error').isVisible(), 'a message at the forms');
  expect((await page.locator('#reference').inputValue()) === `ON-${run}`, 'the typed reference is kept');
  expect(await page.evaluate(() => document.activeElement?.id) === 'form-problems', 'the focus is on the summary');
  await bothWidths(page, 'investigations-refused');
  await page.locator('#region').selectOption('midden_nederland');
  await page.locator('#form-sexual').check();
  await page.locator('form[action="/investigations"] button[type="submit"]').click();
  await page.waitForURL(/\/investigations\/[0-9a-f-]+\?done=opened$/);
  const investigationUrl = page.url().split('?')[0];
  expect((await heading(page)).includes(`ON-${run}`), 'the investigation page');
  expect((await status(page)).startsWith('Onderzoek geopend.'), 'the opening is confirmed, with the next step');
  await bothWidths(page, 'investigation');

  // A suspect registered: the suspect's page.
  await page.locator('#given_names').fill('Jan');
  await page.locator('#family_name').fill(SUSPECT);
  await page.locator('#date_of_birth').fill('1980-05-05');
  await page.locator('#gender').selectOption('male');
  await page.locator('#country_of_birth').fill('NL');
  await page.locator('#nationalities').fill('NL');
  await page.locator('#role').selectOption('exploiter');
  await page.locator(`form[action="/investigations/${investigationUrl.split('/').pop()}"] button[type="submit"]`).click();
  await page.waitForURL(/\/suspects\/[0-9a-f-]+\?done=suspect_added$/);
  const suspectUrl = page.url().split('?')[0];
  expect((await heading(page)).includes(SUSPECT), 'the suspect page names the suspect');
  expect((await status(page)).startsWith('Verdachte geregistreerd.'), 'the registration is confirmed');
  await bothWidths(page, 'suspect');

  // The victim's case linked by its reference, then handed to the prosecution.
  await page.locator('#case').fill(victimCase.body.reference);
  await page.locator('#form-link button[type="submit"]').click();
  await page.waitForURL(/\?done=linked$/);
  expect((await status(page)) === 'Het slachtoffer is gekoppeld.', 'the link is confirmed');
  expect((await page.locator(`a[href="/cases/${victimCase.body.id}"]`).count()) === 1, 'the link leads to the case');
  const option = page.locator('#to_agency option', { hasText: PROSECUTION });
  expect((await option.count()) === 1, 'the new prosecution agency can be chosen');
  await page.locator('#to_agency').selectOption(await option.getAttribute('value'));
  await page.locator('#message').fill(MESSAGE);
  await page.locator('#form-refer button[type="submit"]').click();
  await page.waitForURL(/\?done=referred$/);
  expect((await status(page)).startsWith('Aangeleverd aan het OM'), 'the handover is confirmed');
  expect(await page.getByText('verstuurd, wacht op antwoord').first().isVisible(), 'the referral waits');
  await bothWidths(page, 'suspect-referred');
  await logout(page);

  // The prosecution's coordinator: the summary only, then accepted, then the suspect.
  await login(page, COORDINATOR);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  expect((await page.locator('nav a[href="/investigations"]').count()) === 1, 'the prosecution takes part');
  await page.locator('nav a[href="/suspect-referrals"]').click();
  expect((await heading(page)) === 'Verdachten aangeleverd aan het OM', 'the prosecution\'s inbox');
  const referral = page.locator('section', { hasText: POLICE_AGENCY }).filter({ hasText: MESSAGE });
  expect((await referral.count()) === 1, 'the referral waits in the inbox');
  expect(await referral.getByText('verstuurd, wacht op antwoord').isVisible(), 'unanswered');
  expect(!(await page.content()).includes(SUSPECT), 'before accepting, no name');
  expect(await referral.getByText('uitbuiter', { exact: true }).isVisible(), 'but the suspect\'s role');
  await bothWidths(page, 'suspect-referrals');
  await referral.getByRole('button', { name: /^Accepteren/ }).click();
  await page.waitForURL(/\/suspects\/[0-9a-f-]+\?done=accepted$/);
  expect((await heading(page)).includes(SUSPECT), 'after accepting, the suspect');
  expect((await page.locator('a[href^="/cases/"]').count()) === 0, 'a count of victims, never their case');
  await bothWidths(page, 'suspect-accepted');

  // The coordinator records a summons and a conviction.
  await page.locator('#decision').selectOption('summons');
  await page.locator('#form-decision button[type="submit"]').click();
  await page.waitForURL(/\?done=decision$/);
  expect((await status(page)) === 'Beslissing vastgelegd.', 'the summons is recorded');
  await page.locator('#instance').selectOption('first_instance');
  await page.locator('#outcome').selectOption('convicted_trafficking');
  await page.locator('#band-prison_2_to_4_years').check();
  await page.locator('#form-judgment button[type="submit"]').click();
  await page.waitForURL(/\?done=judgment$/);
  expect((await status(page)) === 'Uitspraak vastgelegd.', 'the conviction is recorded');
  expect(await page.getByRole('cell', { name: 'gevangenisstraf, 2 tot 4 jaar' }).isVisible(), 'with its sentence');
  await bothWidths(page, 'suspect-judged');
  await logout(page);

  // The police see the outcome on the investigation; care coordination sees no trace.
  await login(page, POLICE);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(investigationUrl);
  const row = page.locator('tbody tr', { hasText: SUSPECT });
  expect(await row.getByText('geaccepteerd').isVisible(), 'the referral is accepted');
  expect(await row.getByText(/veroordeeld voor mensenhandel/).isVisible(), 'the last step is the conviction');
  await page.goto(`${base}/suspect-referrals`);
  expect((await page.locator('nav.tabs a[aria-current="page"]').innerText()) === 'Verstuurd', 'the police see what they sent');
  await bothWidths(page, 'suspect-referrals-sent');
  await logout(page);
  await login(page, 'coordinator@demo.schakel.invalid');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  expect((await page.locator('nav a[href="/investigations"]').count()) === 0, 'care coordination has no such link');
  const answer = await page.goto(suspectUrl);
  expect(answer.status() === 404, `care coordination is answered 404 (${answer.status()})`);
  await logout(page);
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
