// A reset by someone who cannot use the CAPTCHA's image (it is blocked
// here): the browser's proof of work passes the step while they type,
// under the portal's own CSP. Run by crates/latchkey/tests/it/browser.rs:
//
//   node pow.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR
import { open } from "./lib.mjs";

const [base, answer, shots] = process.argv.slice(2);
const { context, page, checkPage, finish } = await open(shots, { proofOfWork: true });

// How long Chromium here takes to find the number (docs/performance.md):
// a page of its own, left alone until the form holds the solution.
const timing = await context.newPage();
for (let run = 0; run < 5; run++) {
  await timing.goto(`${base}/reset`);
  await timing.waitForFunction(() => document.querySelector('input[name="pow"]').value !== "", null, { timeout: 60000 });
  const ms = await timing.evaluate(() => document.querySelector("form[data-pow]").dataset.powMs);
  console.log(`proof of work found in ${ms} ms`);
}
await timing.close();
await context.clearCookies();

await page.goto(`${base}/reset`);
await checkPage("identify", "Reset your password");
await page.getByLabel("Your university email or username").pressSequentially("ada@example.edu", { delay: 30 });
// Sent at once: the form waits for the proof if it is not found yet.
await page.keyboard.press("Enter");
await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("How should"), null, { timeout: 30000 });
await checkPage("method", "How should we send your code?");
if (await page.$("img.captcha")) throw new Error("the image step was shown");
await page.getByLabel(/Text a code to/).check();
await page.getByRole("button", { name: "Send the code" }).click();

await checkPage("code", "Enter your code");
const code = (await (await fetch(`${base}/test/latest-code`)).text()).trim();
await page.getByLabel("Code", { exact: true }).fill(code);
await page.getByRole("button", { name: "Verify" }).click();

await checkPage("password", "Choose a new password");
await page.getByLabel("New password").fill("Nw4%jxrQ");
await page.getByLabel("Type it again").fill("Nw4%jxrQ");
await page.getByRole("button", { name: "Change my password" }).click();
await checkPage("done", "Your password is changed");

// In a burst (here: any reset left unfinished) the image alone is not
// enough; its page runs the same check beside it. The first page's check
// is blocked, as if it had failed, so the image step is shown.
await context.clearCookies();
const opened = await fetch(`${base}/api/v1/reset`, { method: "POST" });
const { token } = await opened.json();
await fetch(`${base}/api/v1/reset/identify`, {
  method: "POST",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
  body: JSON.stringify({ identifier: "nobody-in-particular" }),
});
await page.route("**/static/pow.js", (route) => route.abort());
await page.goto(`${base}/reset`);
await page.getByLabel("Your university email or username").fill("ada");
await page.keyboard.press("Enter");
await page.waitForSelector("img.captcha");
await page.unroute("**/static/pow.js");
await page.reload();
await page.waitForSelector("form[data-pow]");
await checkPage("captcha-with-check", "Type the characters you see");
await page.getByLabel("Characters").pressSequentially(answer, { delay: 30 });
await page.keyboard.press("Enter");
await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("How should"), null, { timeout: 60000 });
await checkPage("method-after-image", "How should we send your code?");
await finish("the reset by proof of work completed in Chromium");
