"""English words that must not be seen or heard in e-BOK, and a page scan for them (Playwright).

Used by tests/browser/test_polish.py and any journey test: `page.evaluate(SCAN_JS, ENGLISH_WORDS)`
returns `[[where, text], ...]` for every visible text node, and every `aria-label`, `title`,
`placeholder`, `data-title` and `alt` attribute, holding one of the words (whole word, case as
written). `<html lang>` other than "pl" is reported too.

Left out on purpose, because Polish uses the same word: "Menu" (Polish "menu"; "Main menu" is
caught), "Enter" (the key's name on Polish keyboards: "Naciśnij Enter"; "Press" is caught),
"Format", "Pan" (Polish "Mr"; "Zoom" catches the chart toolbar), "Stop" in lowercase. Case-sensitive words are written as they would appear in English
UI text, so Polish sentences ("limit", "start") do not match.
"""

from __future__ import annotations

ENGLISH_WORDS: tuple[str, ...] = (
    "Upload",
    "Browse",
    "files",
    "per file",
    "empty",
    "Download",
    "Search",
    "Fullscreen",
    "Show password",
    "Hide password",
    "Help for",
    "Help",
    "Choose",
    "Remove",
    "Collapse",
    "Expand",
    "Open",
    "Clear",
    "Increment",
    "Decrement",
    "Copy",
    "Copied",
    "Reset",
    "Link to heading",
    "App pages",
    "Sidebar",
    "Selected",
    "Show/hide",
    "Press",
    "Loading",
    "Running",
    "Stop",
    "Deploy",
    "Rerun",
    "Settings",
    "Close",
    "Main menu",
    "Toggle",
    "Select",
    "No results",
    "No options",
    "No data",
    "Drag and drop",
    "Limit",
    "Choose an option",
    "Please",
    "Page not found",
    "View less",
    "more",
    "Zoom",
    "Autoscale",
    "Produced with",
    "Previous",
    "Next",
    "date",
    "start date",
    "end date",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Sunday",
    "Today",
    "Error",
    "Connecting",
    "Skip to",
)

# page.evaluate(SCAN_JS, words) or (SCAN_JS, {words, lang}) -> [[where, text], ...]; `where` names the attribute or "text" and
# the nearest Streamlit element (data-testid), so a failure says where to look.
SCAN_JS = r"""(arg) => {
    // arg: the words, or {words, lang} for a page in another language than Polish.
    const words = Array.isArray(arg) ? arg : arg.words;
    const want = Array.isArray(arg) ? "pl" : arg.lang;
    const esc = (w) => w.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
    const re = new RegExp("(?<![\\p{L}\\p{N}])(" + words.map(esc).join("|") + ")(?![\\p{L}\\p{N}])", "u");
    const found = [];
    const ICONS = '[data-testid="stIconMaterial"], .material-symbols-rounded, [class*="material-symbols"]';
    const place = (el) => {
        const owner = el && el.closest("[data-testid]");
        const tag = el ? el.tagName.toLowerCase() : "?";
        return owner ? `${tag} in ${owner.getAttribute("data-testid")}` : tag;
    };
    const lang = document.documentElement.getAttribute("lang");
    if (lang !== want) found.push(["<html lang>", String(lang)]);
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (texts.nextNode()) {
        const node = texts.currentNode;
        const el = node.parentElement;
        if (!el || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName)) continue;
        if (el.closest(ICONS)) continue;  // "expand_more" is an icon's ligature, drawn as a glyph
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        const text = node.nodeValue.trim();
        if (text && re.test(text)) found.push(["text: " + place(el), text]);
    }
    for (const name of ["aria-label", "title", "placeholder", "data-title", "alt", "aria-placeholder"]) {
        for (const el of document.body.querySelectorAll("[" + name + "]")) {
            if (el.closest("script,style,template")) continue;
            const value = el.getAttribute(name).trim();
            if (value && re.test(value)) found.push([name + ": " + place(el), value]);
        }
    }
    return found;
}"""
