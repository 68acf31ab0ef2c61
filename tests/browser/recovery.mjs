// Getting back into an account in a real browser, against `schakel serve --demo` (with
// the second factor required of admins): "Wachtwoord vergeten?" on the login page leads to
// the form, which marks a malformed address next to the field and answers a demo user's
// address and an unknown one with the same message; the page behind the emailed link
// takes the code from the link's #token= and refuses one that does not exist; the admin
// sends a demo user a recovery link after a confirmation step. The demo server writes its
// mail to files this script does not see: the email itself and the link's use are tested
// in crates/web/tests/pages/recovery_pages.rs and tests/tests/e2e/recovery.rs. Every page
// visited is checked with axe-core and saved as a screenshot.
import {
  accessible, base, expect, failed, heading, launch, loginWithCode, logout, pagesChecked,
} from './lib.mjs';

const SENT = 'Als er een account met dit adres bestaat, is er een e-mail onderweg';

const browser = await launch();
let page;
try {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  page = await context.newPage();

  // From the login page to the form; a malformed address is marked, the text kept.
  await page.goto(`${base}/login`);
  await page.getByRole('link', { name: 'Wachtwoord vergeten?' }).click();
  await page.waitForURL(/\/password\/forgot$/);
  expect((await heading(page)) === 'Wachtwoord vergeten', 'the forgot-password page');
  await accessible(page, 'forgot');
  await page.locator('#email').fill('geen adres');
  await page.getByRole('button', { name: 'Mail mij een link' }).click();
  expect((await page.locator('#email').getAttribute('aria-invalid')) === 'true', 'the address is marked');
  expect(await page.locator('#email-error').isVisible(), 'a message next to the address');
  expect((await page.locator('#email').inputValue()) === 'geen adres', 'what was typed is kept');
  await accessible(page, 'forgot-refused');

  // A demo user's address and an unknown one: the same answer.
  const answers = [];
  for (const email of ['legalaid@demo.schakel.invalid', 'niemand@demo.schakel.invalid']) {
    await page.goto(`${base}/password/forgot`);
    await page.locator('#email').fill(email);
    await page.getByRole('button', { name: 'Mail mij een link' }).click();
    answers.push(await page.getByRole('status').innerText());
  }
  expect(answers[0].startsWith(SENT), `the answer says a link may be on its way: ${answers[0]}`);
  expect(answers[0].includes('verloopt na 60 minuten'), 'and how long it lasts');
  expect(answers[0] === answers[1], 'the same answer for an unknown address');
  await accessible(page, 'forgot-sent');
  await page.getByRole('link', { name: 'Terug naar inloggen' }).click();
  await page.waitForURL(/\/login$/);

  // The page behind the emailed link reads the code after #token=; an unknown code is
  // refused next to its field.
  await page.goto(`${base}/password-reset#token=bestaat-niet`);
  expect((await heading(page)) === 'Een nieuw wachtwoord kiezen', 'the link page');
  expect((await page.locator('#token').inputValue()) === 'bestaat-niet', 'the code is taken from the link');
  await page.locator('#new').fill('vuurtoren meeuw zoutwater 7');
  await page.locator('#again').fill('vuurtoren meeuw zoutwater 7');
  await page.locator('form[action="/password-reset"] button[type="submit"]').click();
  expect(await page.locator('#token-error').isVisible(), 'an unknown code is refused next to it');
  await accessible(page, 'reset-refused');

  // The admin sends a demo user a link, after a confirmation step.
  await loginWithCode(page, 'admin@demo.schakel.invalid');
  await page.goto(`${base}/admin/users`);
  const row = page.locator('tbody tr', { hasText: 'shelter.caseworker@demo.schakel.invalid' });
  await row.getByRole('link', { name: /Wachtwoordlink sturen/ }).click();
  expect((await heading(page)) === 'Een wachtwoordlink sturen', 'the confirmation step');
  expect((await page.locator('main').innerText()).includes('shelter.caseworker@demo.schakel.invalid'), 'it names the account');
  await accessible(page, 'admin-reset-confirm');
  await page.getByRole('button', { name: 'De link versturen' }).click();
  expect((await page.getByRole('status').innerText()).startsWith('De e-mail met een link'), 'the link is sent');
  await accessible(page, 'admin-reset-sent');
  await logout(page);
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
