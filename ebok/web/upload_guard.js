// e-BOK: a form is not sent while one of its uploaders holds a file the browser refused.
// Streamlit refuses a file over the uploader's limit (or of another type) in the browser: the file
// never reaches the server, and the form would then be sent without it, silently (issue 13 §5).
// Installed once per browser tab with the Polish layer (ebok/web/polish.py); docs/accessibility.md.
// (No less-than sign in this file: DOMPurify drops a script whose text looks like markup.)
function ebokUploadGuardInstall() {
  if (window.__ebokUploadGuard) return;
  window.__ebokUploadGuard = true;
  const FORM = '[data-testid="stForm"]';
  const REFUSED = '[data-testid="stFileChip"][aria-invalid="true"]';
  const NOTE = "[data-ebok-upload-refused]";

  // "plik „skan.pdf” (Plik może mieć najwyżej 5,0 MB)": the name and Streamlit's own reason, in Polish.
  const describe = (chip) => {
    const nameEl = chip.querySelector('[data-testid="stFileChipName"]');
    const name = nameEl ? nameEl.textContent.trim() : "";
    const reasonEl = document.getElementById(chip.getAttribute("aria-describedby") || "");
    let reason = reasonEl ? reasonEl.textContent.trim() : "";
    reason = reason.replace(/^(Error|Błąd): */, "").replace(/\.$/, "");
    return "plik „" + name + "”" + (reason ? " (" + reason + ")" : "");
  };

  const clear = (form) => form.querySelectorAll(NOTE).forEach((el) => el.remove());

  // Return true (and say why, next to the button) when FORM must not be sent.
  const refuse = (form) => {
    const chips = Array.from(form.querySelectorAll(REFUSED));
    clear(form);
    if (chips.length === 0) return false;
    const note = document.createElement("div");
    note.setAttribute("data-ebok-upload-refused", "");
    note.setAttribute("role", "alert");
    note.style.cssText = "color:#b00020;font-weight:600;margin-top:0.5rem";
    note.textContent =
      "Formularza nie wysłano: " + chips.map(describe).join("; ") +
      " nie został przyjęty. Usuń go przyciskiem × albo wybierz mniejszy plik i wyślij ponownie.";
    const place = form.querySelector('[data-testid="stFormSubmitButton"]') || form;
    place.appendChild(note);
    return true;
  };

  const stop = (event) => {
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  // Capture phase: this runs before Streamlit's own handlers see the click or the Enter key.
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest('[data-testid="stFormSubmitButton"] button');
      const form = button && button.closest(FORM);
      if (form && refuse(form)) stop(event);
    },
    true,
  );
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
      const form = event.target.closest(FORM);
      if (form && refuse(form)) stop(event);
    },
    true,
  );
  // The note goes once the refused file is removed from the uploader.
  new MutationObserver(() => {
    document.querySelectorAll(NOTE).forEach((note) => {
      const form = note.closest(FORM);
      if (!form || !form.querySelector(REFUSED)) note.remove();
    });
  }).observe(document.body, { subtree: true, childList: true });
}
