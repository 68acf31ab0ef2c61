// The admin's pages in a real browser, against `schakel serve --demo` (with the second
// factor required of admins): the admin logs in with an authenticator code (enrolling
// when casework.mjs has not already done so on this server), adds an agency (a bad form
// first: messages next to the fields, nothing typed lost), changes it, invites a user
// into it, changes the user's role, deactivates and reactivates the account, takes the
// agency off the platform and looks at the failed notifications.
// Every page visited is checked with axe-core and saved as a screenshot. The demo users
// read Dutch.
import {
  accessible, base, expect, failed, heading, launch, loginWithCode, logout, pagesChecked,
} from './lib.mjs';

// Names of this run, so the script can run again against the same server.
const run = String(Date.now() % 1000000);
const AGENCY = `Opvang Browsertest ${run}`;
const EMAIL = `nieuw-${run}@browsertest.example`;

const browser = await launch();
let page;
try {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  page = await context.newPage();
  await loginWithCode(page, 'admin@demo.schakel.invalid');
  expect((await heading(page)).startsWith('Welkom'), 'the admin is in');
  for (const link of ['/admin/agencies', '/admin/users', '/admin/notifications']) {
    expect((await page.locator(`nav a[href="${link}"]`).count()) === 1, `the navigation links to ${link}`);
  }

  // Agencies: a form sent half filled keeps what was typed.
  await page.locator('nav a[href="/admin/agencies"]').click();
  expect((await heading(page)) === 'Organisaties', 'the agencies');
  expect((await page.locator('tbody tr', { hasText: 'Opvang De Haven' }).count()) === 1, 'the demo agencies are listed');
  await accessible(page, 'admin-agencies');
  await page.locator('#name').fill(AGENCY);
  await page.locator('#contact_email').fill('geen adres');
  await page.locator('form[action="/admin/agencies"] button[type="submit"]').click();
  expect((await page.locator('[aria-invalid="true"]').count()) >= 3, 'kind, region and address are marked');
  expect((await page.locator('#name').inputValue()) === AGENCY, 'the typed name is kept');
  expect(await page.locator('#contact_email-error').isVisible(), 'a message next to the address');
  await accessible(page, 'admin-agency-refused');
  await page.locator('#kind').selectOption('shelter_other');
  await page.locator('#region').selectOption('limburg');
  await page.locator('#contact_email').fill(`balie-${run}@browsertest.example`);
  await page.locator('form[action="/admin/agencies"] button[type="submit"]').click();
  expect((await page.getByRole('status').innerText()) === 'De organisatie is toegevoegd.', 'the agency is added');
  const row = page.locator('tbody tr', { hasText: AGENCY });
  expect((await row.count()) === 1, 'and listed');

  // Changed: another region.
  await row.getByRole('link').click();
  expect((await heading(page)) === AGENCY, 'the agency page');
  await accessible(page, 'admin-agency');
  await page.locator('#region').selectOption('oost_brabant');
  await page.locator('form[action^="/admin/agencies/"]:not([action$="/deactivate"]) button[type="submit"]').click();
  expect((await page.getByRole('status').innerText()) === 'De wijzigingen zijn opgeslagen.', 'the change is saved');
  expect((await page.locator('#region').inputValue()) === 'oost_brabant', 'the new region is shown');
  const agencyUrl = page.url().split('?')[0];

  // Users: an invitation into the new agency.
  await page.locator('nav a[href="/admin/users"]').click();
  expect((await heading(page)) === 'Gebruikersaccounts', 'the accounts');
  await accessible(page, 'admin-users');
  await page.locator('#email').fill(EMAIL);
  await page.locator('#display_name').fill('Noor Browsertest');
  const option = page.locator('#agency_id option', { hasText: AGENCY });
  await page.locator('#agency_id').selectOption(await option.getAttribute('value'));
  await page.locator('#role').selectOption('caseworker');
  await page.locator('form[action="/admin/users"] button[type="submit"]').click();
  expect((await page.getByRole('status').innerText()).startsWith('De gebruiker is uitgenodigd'), 'the user is invited');
  const user = page.locator('tbody tr', { hasText: EMAIL });
  expect((await user.filter({ hasText: 'uitnodiging nog niet aanvaard' }).count()) === 1, 'the invitation waits');

  // Another role, then deactivated and reactivated.
  await user.locator('select').selectOption('coordinator');
  await user.locator('form[action$="/role"] button').click();
  expect((await page.getByRole('status').innerText()).startsWith('De rol is gewijzigd'), 'the role is changed');
  expect((await user.locator('select').inputValue()) === 'coordinator', 'the new role is shown');
  await user.locator('form[action$="/deactivate"] button').click();
  expect((await page.getByRole('status').innerText()).startsWith('Het account is gedeactiveerd'), 'deactivated');
  await accessible(page, 'admin-user-deactivated');
  await user.locator('form[action$="/reactivate"] button').click();
  expect((await page.getByRole('status').innerText()) === 'Het account is weer actief.', 'reactivated');

  // The agency leaves the platform with its account.
  await page.goto(agencyUrl);
  await page.locator('form[action$="/deactivate"] button').click();
  expect((await page.getByRole('status').innerText()).startsWith('De organisatie is gedeactiveerd'), 'the agency is deactivated');
  await accessible(page, 'admin-agency-deactivated');

  // The failed notifications.
  await page.locator('nav a[href="/admin/notifications"]').click();
  expect((await heading(page)) === 'Mislukte meldingen', 'the failed notifications');
  await accessible(page, 'admin-notifications');
  await logout(page);
  await context.close();
} catch (e) {
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
