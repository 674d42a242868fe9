// A small JavaScript highlighter: comments, strings, numbers, keywords and literals become
// <span class="tok-..."> around text nodes; everything else stays plain text. It never builds
// markup from the code, so a script cannot inject anything into the page.

const TOKENS = new RegExp([
  String.raw`(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))`,
  String.raw`('(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?|` + '`' + String.raw`(?:\\[\s\S]|[^` + '`' + String.raw`\\])*` + '`?)',
  String.raw`(\b0[xX][\da-fA-F_]+n?\b|\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?n?\b)`,
  String.raw`(\b(?:async|await|break|case|catch|class|const|continue|debugger|default|delete|do|else|export|extends|finally|for|from|function|if|import|in|instanceof|let|new|of|return|static|super|switch|this|throw|try|typeof|var|void|while|with|yield)\b)`,
  String.raw`(\b(?:true|false|null|undefined|NaN|Infinity)\b)`,
].join('|'), 'g');

const KINDS = ['comment', 'string', 'number', 'keyword', 'literal'];

/** Past this size the code is shown as plain text: highlighting megabytes would stall the tab. */
const MAX_HIGHLIGHTED = 512 * 1024;

/** The code as a fragment of text nodes and token spans. */
export function highlight(code) {
  const out = document.createDocumentFragment();
  if (code.length > MAX_HIGHLIGHTED) {
    out.append(document.createTextNode(code));
    return out;
  }
  let last = 0;
  for (const match of code.matchAll(TOKENS)) {
    if (match.index > last) out.append(document.createTextNode(code.slice(last, match.index)));
    const kind = KINDS[match.slice(1).findIndex((group) => group !== undefined)];
    const span = document.createElement('span');
    span.className = `tok-${kind}`;
    span.textContent = match[0];
    out.append(span);
    last = match.index + match[0].length;
  }
  if (last < code.length) out.append(document.createTextNode(code.slice(last)));
  return out;
}
