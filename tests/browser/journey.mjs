// The pages in a real browser (headless Chromium), against `schakel serve --demo`:
// the login page in the browser's language, a wrong password answered next to the form,
// the demo coordinator's login into the Dutch interface, the inbox, the referral page
// and its acceptance, the switch to English and back in the preferences, and logout.
// Every page visited is checked with axe-core (zero serious or critical violations) and
// saved as a screenshot.
//
// Environment: see lib.mjs.
import { PASSWORD, accessible, base, expect, heading, launch, pagesChecked } from './lib.mjs';

const browser = await launch();
try {
  // Dutch browser, not signed in: the Dutch login page.
  const dutch = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  const nl = await dutch.newPage();
  await nl.goto(`${base}/login`);
  expect((await heading(nl)) === 'Inloggen', 'the login page in Dutch');
  await accessible(nl, 'login-nl');
  await dutch.close();

  // English browser: the English login page; a wrong password keeps the address.
  const context = await browser.newContext({ locale: 'en-GB', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${base}/inbox`);
  expect(page.url().endsWith('/login'), 'an unsigned visitor is sent to the login page');
  expect((await heading(page)) === 'Log in', 'the login page in English');
  await accessible(page, 'login-en');
  await page.getByLabel('Work email address').fill('coordinator@demo.schakel.invalid');
  await page.getByLabel('Password').fill('not the right password at all');
  await page.getByRole('button', { name: 'Log in' }).click();
  expect(await page.getByRole('alert').isVisible(), 'the refusal is announced');
  expect((await page.getByLabel('Work email address').inputValue()) === 'coordinator@demo.schakel.invalid',
    'the address typed is kept');
  await accessible(page, 'login-refused');

  // The demo coordinator logs in; their interface is Dutch, by their preference.
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  expect((await heading(page)).startsWith('Welkom'), 'the start page in the user\'s language');
  await accessible(page, 'start');

  // The inbox, reached with the keyboard only.
  await page.getByRole('link', { name: 'Inbox' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/inbox$/);
  expect((await heading(page)) === 'Binnengekomen verwijzingen', 'the inbox');
  const rows = page.locator('tbody tr');
  expect((await rows.count()) >= 1, 'the demo referral waits in the inbox');
  await accessible(page, 'inbox');

  // The referral: summary only, then accepted.
  await rows.first().getByRole('link').click();
  expect((await heading(page)).startsWith('Verwijzing'), 'the referral page');
  expect(await page.getByText('verstuurd, wacht op antwoord').isVisible(), 'it awaits an answer');
  await accessible(page, 'referral');
  await page.getByRole('button', { name: 'Accepteren' }).click();
  expect(await page.getByText('geaccepteerd', { exact: true }).isVisible(), 'it is accepted');
  expect(await page.getByRole('button', { name: 'Beginnen' }).isVisible(), 'the next step is offered');
  await accessible(page, 'referral-accepted');

  // The coordinator switches the interface to English and back, from the preferences.
  await page.getByRole('link', { name: 'Voorkeuren' }).click();
  expect((await heading(page)) === 'Uw voorkeuren', 'the preferences in Dutch');
  await page.getByLabel('Taal van de pagina\'s en van uw e-mails').selectOption('en');
  await page.getByRole('button', { name: 'Voorkeuren opslaan' }).click();
  expect((await heading(page)) === 'Your preferences', 'the preferences now in English');
  expect(await page.getByRole('status').innerText() === 'Your preferences were saved.', 'saved');
  await accessible(page, 'preferences-en');
  await page.getByRole('link', { name: 'Inbox' }).click();
  expect((await heading(page)) === 'Incoming referrals', 'the inbox in English');
  await page.getByRole('link', { name: 'Preferences' }).click();
  await page.getByLabel('Language of the pages and of your emails').selectOption('nl');
  await page.getByRole('button', { name: 'Save the preferences' }).click();
  expect((await heading(page)) === 'Uw voorkeuren', 'Dutch again');

  // Logging out ends the session: the inbox asks for a login again.
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.goto(`${base}/inbox`);
  expect(page.url().endsWith('/login'), 'after logout the pages ask for a login');
  await context.close();
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
