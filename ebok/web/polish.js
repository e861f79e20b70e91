// e-BOK: Streamlit's own English texts in Polish (ebok/web/polish.py injects this; docs/accessibility.md).
// The dictionary comes from polish.py as the argument DICT: {exact, patterns, attributes, canvas}.
// Installed once per browser tab: a MutationObserver translates every text node and the attributes
// a screen reader announces or a tooltip shows, as Streamlit's React renders them.
function ebokPolishTranslator(dict) {
  const patterns = dict.patterns.map(([source, replacement]) => [new RegExp(source), replacement]);
  // Return TEXT in Polish, or null when it holds no known English (surrounding spaces are kept).
  return function translate(text) {
    const key = text.trim();
    if (!key) return null;
    let out = Object.prototype.hasOwnProperty.call(dict.exact, key) ? dict.exact[key] : undefined;
    if (out === undefined) {
      for (const [re, replacement] of patterns) {
        if (re.test(key)) {
          out = key.replace(re, replacement);
          break;
        }
      }
    }
    if (out === undefined) {
      // Toolbar buttons name their element: "Fullscreen: (the element label)".
      const colon = key.indexOf(": ");
      const head = colon > 0 ? key.slice(0, colon) : "";
      if (Object.prototype.hasOwnProperty.call(dict.exact, head)) out = dict.exact[head] + key.slice(colon);
    }
    if (out === undefined || out === key) return null;
    return text.replace(key, out);
  };
}

function ebokPolishInstall(dict, lang) {
  if (window.__ebokPolish) return; // once per tab: Streamlit re-mounts the element on every page
  window.__ebokPolish = true;
  // Streamlit's index.html says lang="en": a screen reader would read Polish with English phonetics.
  document.documentElement.lang = lang || "pl";
  // The element holding this script takes no room (no gap above the page title).
  const style = document.createElement("style");
  style.textContent = '[data-testid="stElementContainer"]:has(#ebok-polish){display:none}';
  document.head.appendChild(style);

  const translate = ebokPolishTranslator(dict);
  const attributes = dict.attributes;
  const withAttribute = attributes.map((a) => "[" + a + "]").join(",");
  const fixText = (node) => {
    const out = translate(node.nodeValue);
    if (out !== null) node.nodeValue = out;
  };
  const fixAttributes = (el) => {
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (!value) continue;
      const out = translate(value);
      if (out !== null) el.setAttribute(name, out);
    }
  };
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixAttributes(root);
    root.querySelectorAll(withAttribute).forEach(fixAttributes);
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (texts.nextNode()) fixText(texts.currentNode);
  };
  // Our own changes come back as mutations too; translate() returns null for Polish, so they stop.
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach(walk);
      else if (r.type === "characterData") fixText(r.target);
      else fixAttributes(r.target);
    }
  }).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: attributes,
  });
  walk(document.body);

  // The dataframe (glide-data-grid) paints on a canvas: its "empty" row never reaches the DOM.
  // (No less-than sign in this file: DOMPurify drops a script whose text looks like markup.)
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["fillText", "measureText"]) {
    const original = proto[name];
    proto[name] = function (text, ...rest) {
      const out = dict.canvas[text];
      return original.call(this, out === undefined ? text : out, ...rest);
    };
  }
}
