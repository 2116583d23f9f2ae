// A newcomer tries `serve --demo` with nothing but the browser: a reset by
// text, reading the code on the demo phone page linked from the code step,
// then a registration of a phone, its code read on the demo phone too. A
// screenshot and axe-core on each page. Run by crates/latchkey/tests/it/browser.rs:
//
//   node demo.mjs BASE_URL CAPTCHA_ANSWER SCREENSHOT_DIR
//
// Nothing test-only is used: the code comes from the page a person opens.
import { open } from "./lib.mjs";

const [base, answer, shots] = process.argv.slice(2);
const { context, page, checkPage, finish } = await open(shots);

// Opens the demo phone from the link beside the code box, reads the newest
// message's code, and closes that tab.
async function codeFromDemoPhone() {
  const [phone] = await Promise.all([
    context.waitForEvent("page"),
    page.locator('main a[href="/demo/phone"]').click(),
  ]);
  await phone.waitForLoadState();
  const heading = (await phone.textContent("h1")).trim();
  if (heading !== "Demo phone") throw new Error(`demo phone: heading "${heading}"`);
  const newest = await phone.locator("ol.outbox li .message").first().textContent();
  const code = newest.match(/\b(\d{6})\b/);
  await phone.close();
  if (!code) throw new Error(`no code in the newest message: ${newest}`);
  return code[1];
}

await page.goto(`${base}/reset`);
await checkPage("identify", "Reset your password");
if (!(await page.textContent(".demo-banner")).includes("demo phone")) throw new Error("no demo banner");
await page.getByLabel("Your university email or username").fill("ada");
await page.keyboard.press("Enter");
await page.getByLabel("Characters", { exact: true }).fill(answer);
await page.getByRole("button", { name: "Continue" }).click();
await page.getByLabel(/Text a code to/).check();
await page.getByRole("button", { name: "Send the code" }).click();
await checkPage("code", "Enter your code");
await page.getByLabel("Code", { exact: true }).fill(await codeFromDemoPhone());
await page.getByRole("button", { name: "Verify" }).click();
await checkPage("password", "Choose a new password");
await page.getByLabel("New password").fill("Nw4%jxrQ");
await page.getByLabel("Type it again").fill("Nw4%jxrQ");
await page.getByRole("button", { name: "Change my password" }).click();
await checkPage("done", "Your password is changed");

// The demo phone itself, as a page.
await page.goto(`${base}/demo/phone`);
await checkPage("phone", "Demo phone");

// A registration: alan has no method yet.
await page.goto(`${base}/signin`);
await page.getByLabel("University email or username").fill("alan");
await page.getByLabel("Password").fill("Vt9#qkzP");
await page.getByRole("button", { name: "Sign in" }).click();
await checkPage("interrupted", "Set up a way to reset your password");
await page.getByRole("link", { name: "Register a mobile phone" }).click();
await page.getByLabel("Mobile number").fill("(202) 555-0177");
await page.getByRole("button", { name: "Send a code" }).click();
await checkPage("phone-code", "Enter the code we sent");
await page.getByLabel("Code", { exact: true }).fill(await codeFromDemoPhone());
await page.getByRole("button", { name: "Verify" }).click();
await checkPage("account", "Your account");
await finish("the demo reset and registration completed in the browser alone");
