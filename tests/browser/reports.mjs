// The reports in headless Chromium: a reader of reports signs in and lands
// on them; each chart is an SVG drawn by the server (no script), named, and
// shown on screen, with its table and its CSV; then their own password
// page. axe-core on each page. Run by crates/latchkey/tests/it/browser.rs:
//
//   node reports.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR STAFF_PASSWORD STAFF_SECRET_BASE32
import { open, totp } from "./lib.mjs";

const [base, , shots, staffPassword, staffSecret] = process.argv.slice(2);
const { page, checkPage, finish } = await open(shots, { width: 1024 });

await page.goto(`${base}/helpdesk`);
await checkPage("signin", "Help desk sign-in");
await page.getByLabel("Staff username").fill("kim");
await page.getByLabel("Password").fill(staffPassword);
await page.getByRole("button", { name: "Continue" }).click();
const now = Number(await (await fetch(`${base}/test/now`)).text());
await page.getByLabel("Code").fill(totp(staffSecret, now));
await page.getByRole("button", { name: "Sign in" }).click();

await checkPage("reports", "Reports");
const charts = page.getByRole("img");
const named = await charts.evaluateAll((svgs) => svgs.map((svg) => svg.getAttribute("aria-label")));
for (const title of ["Registration", "Resets and password updates", "Codes sent and typed back"]) {
  if (!named.includes(title)) throw new Error(`no chart named ${title}: ${named}`);
}
const box = await page.getByRole("img", { name: "Registration" }).boundingBox();
if (!box || box.width < 300 || box.height < 100) throw new Error(`the registration chart is not drawn: ${JSON.stringify(box)}`);
const phone = page.getByRole("row", { name: /^Phone/ });
console.log(`registration row: ${(await phone.first().textContent()).trim()}`);
const link = page.getByRole("link", { name: 'Download "Registration" as CSV' });
const csv = await (await page.context().request.get(new URL(await link.getAttribute("href"), base).href)).text();
if (!csv.startsWith("way,accounts,percent\n")) throw new Error(`CSV: ${csv}`);
console.log(`csv: ${csv.split("\n")[1]}`);

await page.getByRole("link", { name: "My password" }).click();
await checkPage("password", "Change my password");
await finish("reports read in Chromium");
