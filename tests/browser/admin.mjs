// The admin's pages in a real browser, against `schakel serve --demo` (with the second
// factor required of admins): the admin logs in with an authenticator code (enrolling
// when casework.mjs has not already done so on this server), adds an agency (a bad form
// first: messages next to the fields, nothing typed lost), changes it, invites a
// caseworker into it, changes the user's role, deactivates and reactivates the account,
// takes the agency off the platform and looks at the failed notifications. Four eyes on
// privilege: the invitation to case work, the role change and the reactivation wait
// under "Verzoeken" until the demo's second admin (admin2, enrolling an authenticator on
// the first login, in a browser of her own) approves them; the admin cannot approve her
// own. Deactivating happens at once.
// Every page visited is checked with axe-core and saved as a screenshot. The demo users
// read Dutch.
import {
  accessible, base, expect, failed, heading, launch, loginWithCode, logout, pagesChecked,
} from './lib.mjs';

// Names of this run, so the script can run again against the same server.
const run = String(Date.now() % 1000000);
const AGENCY = `Opvang Browsertest ${run}`;
const EMAIL = `nieuw-${run}@browsertest.example`;
const REQUESTED = 'Aangevraagd: een tweede beheerder moet dit goedkeuren (onder Verzoeken).';

const browser = await launch();
let page;
let page2;
try {
  const context = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  page = await context.newPage();
  await loginWithCode(page, 'admin@demo.schakel.invalid');
  expect((await heading(page)).startsWith('Welkom'), 'the admin is in');
  for (const link of ['/admin/agencies', '/admin/users', '/admin/requests', '/admin/notifications']) {
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
  await page.locator('#display_name').fill(`Noor Browsertest ${run}`);
  const option = page.locator('#agency_id option', { hasText: AGENCY });
  await page.locator('#agency_id').selectOption(await option.getAttribute('value'));
  await page.locator('#role').selectOption('caseworker');
  await page.locator('form[action="/admin/users"] button[type="submit"]').click();
  expect((await page.getByRole('status').innerText()) === REQUESTED, 'the invitation to case work waits for a second admin');
  expect((await page.locator('tbody tr', { hasText: EMAIL }).count()) === 0, 'no account yet');
  await accessible(page, 'admin-users-requested');

  // Under Verzoeken the admin sees her own request, without a button to approve it.
  await page.locator('nav a[href="/admin/requests"]').click();
  expect((await heading(page)) === 'Verzoeken', 'the requests');
  const asked = page.locator('tbody tr', { hasText: EMAIL });
  expect((await asked.count()) === 1, 'the invitation waits');
  expect((await asked.filter({ hasText: 'Uitnodiging voor casuswerk' }).count()) === 1, 'named in words');
  expect((await asked.locator('form[action$="/approve"]').count()) === 0, 'no approval of one\'s own');
  expect((await asked.locator('form[action$="/reject"] button').innerText()).startsWith('Intrekken'), 'only withdrawing');
  await accessible(page, 'admin-requests-own');

  // The second admin, in a browser of her own, enrols her authenticator and approves.
  const context2 = await browser.newContext({ locale: 'nl-NL', bypassCSP: true });
  page2 = await context2.newPage();
  await loginWithCode(page2, 'admin2@demo.schakel.invalid');
  expect((await heading(page2)).startsWith('Welkom'), 'the second admin is in');
  await page2.locator('nav a[href="/admin/requests"]').click();
  const toApprove = page2.locator('tbody tr', { hasText: EMAIL });
  expect((await toApprove.count()) === 1, 'the second admin sees the invitation');
  await accessible(page2, 'admin2-requests');
  await toApprove.locator('form[action$="/approve"] button').click();
  expect((await page2.getByRole('status').innerText()) === 'Goedgekeurd: de wijziging is uitgevoerd.', 'approved');
  expect((await page2.locator('tbody tr', { hasText: EMAIL }).count()) === 0, 'no longer waiting');
  await page2.locator('nav.tabs a[href="/admin/requests?state=approved"]').click();
  expect((await page2.locator('tbody tr', { hasText: EMAIL }).filter({ hasText: 'Femke Dekker' }).count()) === 1, 'decided by the second admin');
  await accessible(page2, 'admin2-requests-approved');

  // Now the account exists: another role and a reactivation wait too; deactivating is at once.
  await page.locator('nav a[href="/admin/users"]').click();
  const user = page.locator('tbody tr', { hasText: EMAIL });
  expect((await user.filter({ hasText: 'uitnodiging nog niet aanvaard' }).count()) === 1, 'the invitation went out');
  await user.locator('select').selectOption('coordinator');
  await user.locator('form[action$="/role"] button').click();
  expect((await page.getByRole('status').innerText()) === REQUESTED, 'the role change waits');
  expect((await user.locator('select').inputValue()) === 'caseworker', 'the role is as it was');
  await user.locator('form[action$="/deactivate"] button').click();
  expect((await page.getByRole('status').innerText()).startsWith('Het account is gedeactiveerd'), 'deactivated');
  await accessible(page, 'admin-user-deactivated');
  await user.locator('form[action$="/reactivate"] button').click();
  expect((await page.getByRole('status').innerText()) === REQUESTED, 'the reactivation waits');
  expect((await user.locator('form[action$="/reactivate"]').count()) === 1, 'still deactivated');

  // The second admin approves both.
  await page2.locator('nav a[href="/admin/requests"]').click();
  const both = page2.locator('tbody tr', { hasText: `Noor Browsertest ${run}` });
  expect((await both.count()) === 2, 'the role change and the reactivation wait');
  for (let i = 0; i < 2; i++) {
    await both.first().locator('form[action$="/approve"] button').click();
    expect((await page2.getByRole('status').innerText()) === 'Goedgekeurd: de wijziging is uitgevoerd.', `approved (${i + 1})`);
  }
  expect((await both.count()) === 0, 'nothing waits');
  await logout(page2);
  await context2.close();
  await page.reload();
  expect((await user.locator('select').inputValue()) === 'coordinator', 'the new role is shown');
  expect((await user.locator('form[action$="/deactivate"]').count()) === 1, 'active again');

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
  if (page2 && !page2.isClosed()) await failed(page2, e);
  if (page) await failed(page, e);
  throw e;
} finally {
  await browser.close();
}
console.log(`browser: ${pagesChecked()} pages checked, 0 serious or critical accessibility violations`);
