// Swagger UI at /api/docs/ in Debian's headless Chromium, with no network
// beyond this machine: the page and every file it loads come from the server,
// a user authorizes with a Bearer token and executes GET /api/auth/me/
// through the UI, which answers 200; the token survives a reload
// (persistAuthorization).
//
//   node swagger_ui.mjs BASE_URL ACCESS_TOKEN EMAIL SCREENSHOT
import { chromium } from "playwright-core";

const [base, token, email, screenshot] = process.argv.slice(2);
const results = [];
function check(name, ok, detail = "") {
  results.push([name, ok]);
  console.log(`${ok ? "ok  " : "FAIL"}  ${name}${detail ? `: ${detail}` : ""}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const failed = [];
try {
  const context = await browser.newContext();
  // Anything but this machine is refused, and recorded.
  const blocked = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (["127.0.0.1", "localhost"].includes(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => failed.push(`page error: ${error.message}`));
  let meAuthorization = null;
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/me/") {
      meAuthorization = request.headers()["authorization"] ?? null;
    }
  });

  await page.goto(`${base}/api/docs/`);
  await page.locator(".swagger-ui .info .title").waitFor({ timeout: 20000 });
  const title = await page.locator(".swagger-ui .info .title").innerText();
  check("Swagger UI shows the document", title.includes("Healthcare Backend API"), title.split("\n")[0]);
  const operations = await page.locator(".opblock .opblock-summary").count();
  const doc = await (await fetch(`${base}/api/openapi.json`)).json();
  const documented = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  check("every documented operation is listed", operations === documented, `${operations} of ${documented}`);

  // Authorize: the bearer scheme's dialog.
  await page.locator("button.btn.authorize").first().click();
  const dialog = page.locator(".dialog-ux");
  await dialog.locator("input").first().fill(token);
  await dialog.locator("button.authorize").click();
  await dialog.locator("button.btn-done").click();
  check("authorized with a Bearer token", (await page.locator("button.btn.authorize.locked").count()) > 0);

  // GET /api/auth/me/ through the UI ("Try it out" is on: Execute is there).
  const me = page.locator("#operations-auth-me");
  await me.locator(".opblock-summary").click();
  await me.locator("button.execute").click();
  const status = me.locator(".live-responses-table tr.response .response-col_status").first();
  await status.waitFor({ timeout: 20000 });
  const code = (await status.innerText()).trim();
  check("GET /api/auth/me/ executed through the UI answers 200", code === "200", code);
  check("the call carried the token", meAuthorization === `Bearer ${token}`);
  const body = await me.locator(".live-responses-table tr.response .response-col_description pre").first().innerText();
  check("the answer is the caller's profile", body.includes(email));

  if (screenshot) await me.screenshot({ path: screenshot });

  // persistAuthorization: still authorized after a reload.
  await page.reload();
  await page.locator(".swagger-ui .info .title").waitFor({ timeout: 20000 });
  check("the authorization survives a reload", (await page.locator("button.btn.authorize.locked").count()) > 0);

  check("no request left this machine", blocked.length === 0, blocked.slice(0, 3).join(", "));
  check("no script error on the page", failed.length === 0, failed.join("; "));
} finally {
  await browser.close();
}
const passed = results.filter(([, ok]) => ok).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(results.length === passed ? 0 : 1);
