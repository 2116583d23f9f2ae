// A person off campus, not on the VPN, resets by text message in headless
// Chromium: the warning comes first (with the VPN steps), they go on anyway,
// and the done page tells them what their laptop needs. axe-core on each
// page. Run by crates/latchkey/tests/it/browser.rs:
//
//   node off_campus.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR NEW_PASSWORD
import { open } from "./lib.mjs";

const [base, answer, shots, password] = process.argv.slice(2);
const { page, checkPage, screenshot, finish } = await open(shots);

await page.goto(`${base}/reset`);
await checkPage("warning", "Connect to the VPN first");
await page.getByText("Connect the VPN on macOS").click();
await page.waitForSelector("details[open]");
await screenshot("warning-steps");
// "I am connected now" checks again: still outside, still warned.
await page.getByRole("link", { name: "I am connected now: continue" }).click();
await checkPage("warning-again", "Connect to the VPN first");
await page.getByRole("link", { name: "Continue without the VPN" }).click();

await checkPage("identify", "Reset your password");
await page.getByLabel("Your university email or username").fill("ada");
await page.keyboard.press("Enter");
await page.waitForSelector("img.captcha");
await page.getByLabel("Characters", { exact: true }).fill(answer);
await page.getByRole("button", { name: "Continue" }).click();
await page.getByLabel(/Text a code to/).check();
await page.getByRole("button", { name: "Send the code" }).click();
const code = (await (await fetch(`${base}/test/latest-code`)).text()).trim();
await page.getByLabel("Code", { exact: true }).fill(code);
await page.getByRole("button", { name: "Verify" }).click();
await page.getByLabel("New password").fill(password);
await page.getByLabel("Type it again").fill(password);
await page.getByRole("button", { name: "Change my password" }).click();

await checkPage("done", "Your password is changed");
const advice = await page.textContent("main");
if (!advice.includes("Sign in to the laptop with the old password") || !advice.includes("don't remember your old password")) {
  throw new Error(`the done page does not tell an off-campus person what to do:\n${advice}`);
}
await finish("the off-campus reset completed in Chromium");
