// The recovery codes page's "Print them" button: shown only where a script
// runs (without one, the browser's own Print does the same).
const button = document.getElementById("print-codes");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
