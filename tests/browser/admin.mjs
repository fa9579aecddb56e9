// The admin console in Debian's headless Chromium, with no network beyond
// this machine. A staff member signs in, creates a patient, saves it with a
// date of birth in the future and sees the error beside the field, fixes it,
// deletes it through the confirmation page, and deactivates a user whose API
// token is then refused. A non-staff user and a forged CSRF token are
// refused. Screenshots of the list and edit pages at 1280 and 390 px wide go
// to OUT_DIR.
//
//   node admin.mjs BASE_URL STAFF_EMAIL STAFF_PASSWORD USER_EMAIL USER_PASSWORD OUT_DIR
import { chromium } from "playwright-core";

const [base, staffEmail, staffPassword, userEmail, userPassword, outDir] = process.argv.slice(2);
const failures = [];
function check(name, ok, detail = "") {
  if (!ok) failures.push(name);
  console.log(`${ok ? "ok  " : "FAIL"}  ${name}${detail ? `: ${detail}` : ""}`);
}

async function api(method, path, body, token) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

async function newPage(width) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const blocked = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (["127.0.0.1", "localhost"].includes(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  return { context, page, blocked };
}

async function signIn(page, email, password) {
  await page.goto(`${base}/admin/`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit].primary")]);
}

try {
  // The user whose patient it is, and whose access will be withdrawn.
  const login = await api("POST", "/api/auth/login/", { email: userEmail, password: userPassword });
  check("the clinician logs in through the API", login.status === 200, String(login.status));
  const userToken = login.body.data.tokens.access;
  const userId = login.body.data.user.id;

  const { context, page, blocked } = await newPage(1280);
  await page.goto(`${base}/admin/patients/`);
  check("a visitor is sent to the sign-in page", new URL(page.url()).pathname === "/admin/login/", page.url());
  await signIn(page, staffEmail, staffPassword);
  check("staff sign in and land on the console", (await page.locator("h1").innerText()) === "Site administration",
    page.url());
  const session = (await context.cookies()).find((c) => c.name === "hc_admin_session");
  check("the session cookie is HttpOnly, SameSite=Strict, Secure and expires",
    session && session.httpOnly && session.sameSite === "Strict" && session.secure && session.expires > 0,
    JSON.stringify(session && { httpOnly: session.httpOnly, sameSite: session.sameSite, secure: session.secure }));

  // Create a patient.
  await page.goto(`${base}/admin/patients/add/`);
  await page.fill("#owner", String(userId));
  await page.fill("#first_name", "Grace");
  await page.fill("#last_name", "Hopper");
  await page.fill("#date_of_birth", "1906-12-09");
  await page.selectOption("#gender", "F");
  await page.fill("#city", "New York");
  await Promise.all([page.waitForLoadState("load"), page.click("button.primary")]);
  check("the patient is created", (await page.locator(".notice").innerText()).includes("Saved"), page.url());
  const editUrl = page.url().replace(/\?saved=1$/, "");
  const patientId = editUrl.split("/").filter(Boolean).pop();

  // A date of birth in the future: the error beside the field, nothing saved.
  await page.fill("#date_of_birth", "2999-01-01");
  await Promise.all([page.waitForLoadState("load"), page.click("button.primary")]);
  const fieldError = await page.locator("#field-date_of_birth .field-error").innerText().catch(() => "");
  check("an invalid date of birth shows its error beside the field",
    fieldError.includes("Date of birth cannot be in the future."), fieldError);
  const apiView = await api("GET", `/api/patients/${patientId}/`, null, userToken);
  check("nothing was saved", apiView.body.data.date_of_birth === "1906-12-09", apiView.body.data.date_of_birth);
  await page.screenshot({ path: `${outDir}/patient-edit-error-1280.png`, fullPage: true });

  // Fixed.
  await page.fill("#date_of_birth", "1906-12-10");
  await Promise.all([page.waitForLoadState("load"), page.click("button.primary")]);
  const fixed = await api("GET", `/api/patients/${patientId}/`, null, userToken);
  check("the fixed date is saved", fixed.body.data.date_of_birth === "1906-12-10", fixed.body.data.date_of_birth);
  await page.screenshot({ path: `${outDir}/patient-edit-1280.png`, fullPage: true });
  await page.goto(`${base}/admin/patients/`);
  await page.screenshot({ path: `${outDir}/patients-list-1280.png`, fullPage: true });

  // Phone width: the same pages.
  const phone = await newPage(390);
  await signIn(phone.page, staffEmail, staffPassword);
  await phone.page.goto(`${base}/admin/patients/`);
  await phone.page.screenshot({ path: `${outDir}/patients-list-390.png`, fullPage: true });
  const overflow = await phone.page.evaluate(() => document.body.scrollWidth - window.innerWidth);
  check("the list page fits a phone (the table scrolls inside its box)", overflow <= 0, `${overflow}px wider`);
  await phone.page.goto(editUrl);
  await phone.page.screenshot({ path: `${outDir}/patient-edit-390.png`, fullPage: true });
  const formOverflow = await phone.page.evaluate(() => document.body.scrollWidth - window.innerWidth);
  check("the edit page fits a phone", formOverflow <= 0, `${formOverflow}px wider`);
  await phone.context.close();

  // Delete through the confirmation page.
  await page.goto(editUrl);
  await Promise.all([page.waitForLoadState("load"), page.click("a.button.danger")]);
  const cascade = await page.locator("ul.cascade").innerText();
  check("the confirmation page lists what the delete removes", cascade.includes("assignment(s)"), cascade);
  await Promise.all([page.waitForLoadState("load"), page.click("button.danger")]);
  const gone = await api("GET", `/api/patients/${patientId}/`, null, userToken);
  check("the patient is deleted", gone.status === 404, String(gone.status));

  // A forged CSRF token is refused.
  await page.goto(`${base}/admin/users/${userId}/`);
  await page.evaluate(() => {
    for (const input of document.querySelectorAll("input[name=csrf_token]")) input.value = "forged";
  });
  await Promise.all([page.waitForLoadState("load"), page.click("form.record button.primary")]);
  const refusal = await page.locator("main").innerText();
  check("a forged CSRF token is refused", refusal.includes("CSRF verification failed"), refusal.slice(0, 80));

  // Deactivate the user: their API token stops working at once.
  await page.goto(`${base}/admin/users/${userId}/`);
  await page.uncheck("input[name=is_active]");
  await Promise.all([page.waitForLoadState("load"), page.click("form.record button.primary")]);
  const me = await api("GET", "/api/auth/me/", null, userToken);
  check("a deactivated user's API token is refused", me.status === 401, String(me.status));

  // The change log lists what happened.
  await page.goto(`${base}/admin/log/`);
  const log = await page.locator("table.log tbody").innerText();
  check("the change log records the changes", ["create", "change", "delete", "deactivate"].every((a) => log.includes(a)),
    log.split("\n").length + " rows");
  check("no request left this machine", blocked.length === 0, blocked.join(", "));
  await context.close();

  // A non-staff user gets a plain refusal (reactivated first through the API? no:
  // a fresh non-staff account is registered for this).
  const outsider = `outsider-${Date.now()}@example.com`;
  const registered = await api("POST", "/api/auth/register/",
    { name: "Outsider", email: outsider, password: userPassword, confirm_password: userPassword });
  check("a non-staff account is registered", registered.status === 201, String(registered.status));
  const stranger = await newPage(1280);
  await signIn(stranger.page, outsider, userPassword);
  const text = await stranger.page.locator("main").innerText();
  check("a non-staff user is refused", text.includes("does not have access to the admin console"), text.slice(0, 80));
  const strangerSession = (await stranger.context.cookies()).find((c) => c.name === "hc_admin_session");
  check("and gets no session", !strangerSession);
  await stranger.context.close();
} catch (error) {
  failures.push(String(error));
  console.log(`FAIL  ${error.stack || error}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} failed`);
  process.exit(1);
}
console.log("all admin console checks passed");
