// Tests for the hosts of special URLs: the URL Standard's "domain to ASCII", which is UTS #46
// ToASCII with CheckHyphens false, CheckBidi true, CheckJoiners true, UseSTD3ASCIIRules false,
// nontransitional processing and VerifyDnsLength false. Inputs and outputs are those of the
// Unicode IDNA conformance data (IdnaTestV2) and of the web-platform-tests' toascii data; each
// group names the rule it exercises. null means the URL does not parse.
import { assert, assertEquals, assertThrows } from './assert.js';

// Runs the host through the URL parser the way the web-platform-tests do, with the code points
// that end a host percent-encoded so that they reach the host parser.
function toAscii(input) {
  let encoded = '';
  for (const c of input) encoded += ':/?#\\'.includes(c) ? encodeURIComponent(c) : c;
  let url;
  try {
    url = new URL(`https://${encoded}/x`);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return null;
  }
  assertEquals(url.host, url.hostname, `host and hostname of ${JSON.stringify(input)}`);
  assertEquals(url.pathname, '/x', `path of ${JSON.stringify(input)}`);
  assertEquals(URL.canParse(`https://${encoded}/x`), true, `canParse of ${JSON.stringify(input)}`);
  return url.hostname;
}

function check(cases) {
  const failures = [];
  for (const [input, expected] of cases) {
    const actual = toAscii(input);
    if (actual !== expected) {
      failures.push(`${JSON.stringify(input)}: expected ${JSON.stringify(expected)} but was ${JSON.stringify(actual)}`);
    }
  }
  assert(failures.length === 0, `${failures.length} failures:\n${failures.join('\n')}`);
}

export function punycodesNonAsciiLabels() {
  check([
    ['Bücher.de', 'xn--bcher-kva.de'],
    ['BÜCHER.DE', 'xn--bcher-kva.de'],
    ['faß.de', 'xn--fa-hia.de'],
    ['Faß.de', 'xn--fa-hia.de'],
    ['ς.com', 'xn--3xa.com'],
    ['Σ.com', 'xn--4xa.com'],
    ['日本語。ＪＰ', 'xn--wgv71a119e.jp'],
    ['\u{1F4A9}.la', 'xn--ls8h.la'],
    ['½.com', 'xn--12-c6t.com'],
    ['⼀.jp', 'xn--4gq.jp'],
  ]);
}

export function mapsCompatibilityForms() {
  check([
    // Fullwidth letters and the three other full stops.
    ['\uFF21\uFF22\uFF23.com', 'abc.com'],
    ['a\u3002b\uFF0Ec\uFF61d', 'a.b.c.d'],
    // Mathematical letters, ligatures, squared and Roman-numeral forms.
    ['\u{1D400}\u{1D401}.com', 'ab.com'],
    ['\uFB00.com', 'ff.com'],
    ['\uFB01.com', 'fi.com'],
    ['\u33A1.jp', 'm2.jp'],
    ['\u2163.jp', 'iv.jp'],
    // What a mapping makes of a host is still checked: fullwidth digits make an IPv4 address,
    // a fullwidth percent sign or solidus a forbidden code point.
    ['1.2.3.\uFF14', '1.2.3.4'],
    ['\uFF10\uFF58\uFF43\uFF10.\uFF10\uFF12\uFF15\uFF10.\uFF10\uFF11', '192.168.0.1'],
    ['\uFF05\uFF14\uFF11.com', null],
    ['a\uFF05b', null],
    ['a\uFF0Fb', null],
  ]);
}

export function normalizesToNfc() {
  check([
    // Combining marks compose, then the label is punycoded: à from a + U+0300.
    ['a\u0301.com', 'xn--1ca.com'],
    ['a\u0300.\u05D0\u0308', 'xn--0ca.xn--ssa73l'],
    ['A\u0300.\u05D0\u0308', 'xn--0ca.xn--ssa73l'],
    // Conjoining Hangul jamo compose to one syllable.
    ['\u1100\u1161\u11A8.kr', 'xn--p39a.kr'],
    // A forbidden code point followed by a combining mark is mapped before it is checked:
    // < + U+0338 is ≮, = + U+0338 is ≠.
    ['<\u0338', 'xn--gdh'],
    ['\u226E', 'xn--gdh'],
    ['=\u0338', 'xn--1ch'],
    ['a<b', null],
  ]);
}

export function removesIgnoredCodePoints() {
  check([
    ['a\u00ADb', 'ab'],
    ['a\u200Bb', 'ab'],
    ['GOO\u200B\u2060\uFEFFgoo.com', 'googoo.com'],
    ['a\uFE0Fb', 'ab'],
    ['a\u{E0100}b', 'ab'],
    ['a\u180Eb', 'ab'],
    ['a\u206Bb', 'ab'],
    // A host that is nothing but ignored code points is empty, so it fails.
    ['\u00AD', null],
  ]);
}

export function checksJoiners() {
  check([
    // ZERO WIDTH NON-JOINER: only after a virama, or between joining Arabic letters.
    ['a\u200Cb', null],
    ['A\u200CB', null],
    ['a\u094D\u200Cb', 'xn--ab-fsf604u'],
    ['\u0646\u0627\u0645\u0647\u200C\u0627\u06CC.com', 'xn--mgba3gch31f060k.com'],
    ['\u0644\u200C\u06EF', 'xn--ghb65a953d'],
    ['\u06EF\u200C\u06EF', null],
    ['\u200C', null],
    // ZERO WIDTH JOINER: only after a virama.
    ['a\u200Db', null],
    ['a\u094D\u200Db', 'xn--ab-fsf014u'],
    ['www.\u0DC1\u0DCA\u200D\u0DBB\u0DD3.com', 'www.xn--10cl1a0b660p.com'],
    ['\u0BB9\u0BCD\u200D', 'xn--dmc4b194h'],
    ['\u0BB9\u200D', null],
    ['\u200D.f', null],
  ]);
}

export function checksBidi() {
  check([
    // Right-to-left labels of Hebrew and Arabic letters, digits at the end allowed.
    ['\u05D0.a', 'xn--4db.a'],
    ['\u05D01', 'xn--1-zhc'],
    ['\u05D0\u05D1.\u0627', 'xn--4dbc.xn--mgb'],
    ['\u0627\u0031', 'xn--1-ymc'],
    // A right-to-left label may not hold left-to-right letters, nor start with a digit.
    ['\u05D0a', null],
    ['a.\u05D0b.c', null],
    ['\u0663\u0661.\u0627', null],
    // Arabic-Indic and European digits do not mix in a right-to-left label.
    ['\u0627\u0661\u0031', null],
    // In a domain with a right-to-left label, a left-to-right label may not start with a digit
    // nor hold right-to-left letters.
    ['0\u00E0.\u05D0', null],
    ['a\u05D0', null],
  ]);
}

export function refusesDisallowedCodePoints() {
  check([
    ['\uFFFD', null],
    ['\uFDD0zyx.com', null],
    ['\uE000.com', null],
    ['\u2488.com', null],
    // A label may not start with a combining mark.
    ['\u0301a', null],
    ['\u0301a.com', null],
  ]);
}

export function validatesPunycodeLabels() {
  check([
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['XN--BCHER-KVA.DE', 'xn--bcher-kva.de'],
    ['xn--Bcher-kva.example', 'xn--bcher-kva.example'],
    ['xn--zca.xn--zca', 'xn--zca.xn--zca'],
    ['xn--zca.ß', 'xn--zca.xn--zca'],
    ['xn--tda', 'xn--tda'],
    // Not Punycode, not a label of non-ASCII, or not valid once decoded.
    ['xn--', null],
    ['xn--a', null],
    ['xn--a.xn--zca', null],
    ['xn--a.ß', null],
    ['xn--ls8h=', null],
    ['xn--ls8h-', null],
    ['xn--abc-', null],
    ['xn--tešla', null],
    // ASCII hosts without such a label are only lowercased.
    ['Example.COM', 'example.com'],
    ['xn-example.com', 'xn-example.com'],
  ]);
}

export function leavesHyphensAndLengthsAlone() {
  check([
    ['aa--', 'aa--'],
    ['a\u2020--', 'xn--a---kp0a'],
    ['ab--c.xn--zca', 'ab--c.xn--zca'],
    ['-x', '-x'],
    ['-\u2020', 'xn----xhn'],
    ['-x.ß', '-x.xn--zca'],
    ['x-.ß', 'x-.xn--zca'],
    ['x..ß', 'x..xn--zca'],
    ['x..xn--zca', 'x..xn--zca'],
    ['ß.', 'xn--zca.'],
    // Labels beyond 63 octets and names beyond 253 are not checked.
    ['ü'.repeat(70) + '.com', repeatedU(70) + '.com'],
    [('ü'.repeat(40) + '.').repeat(10) + 'de', (repeatedU(40) + '.').repeat(10) + 'de'],
  ]);
}

// The Punycode of "ü" repeated n times: "td" and n letters "a" (RFC 3492's encoding of n insertions
// of U+00FC into an empty string).
const repeatedU = (n) => 'xn--td' + 'a'.repeat(n);

export function settersAndStaticsUseTheSameRules() {
  const url = new URL('https://example.com/path');
  url.hostname = 'Bücher.de';
  assertEquals(url.href, 'https://xn--bcher-kva.de/path');
  url.host = 'ＡＢＣ.com:8080';
  assertEquals(url.href, 'https://abc.com:8080/path');
  url.hostname = 'a\u200Cb';
  assertEquals(url.hostname, 'abc.com', 'an invalid hostname leaves the URL as it was');
  assertEquals(URL.canParse('https://a\u200Cb/'), false);
  assertEquals(URL.parse('https://\u05D0a/'), null);
  assertEquals(URL.parse('https://%C3%BC.example/').hostname, 'xn--tda.example');
  // Percent-encoded bytes that are no UTF-8 decode to U+FFFD, which is disallowed.
  assertThrows(() => new URL('https://%80/'), TypeError);
  // Non-special URLs have opaque hosts: no IDNA at all.
  assertEquals(new URL('foo://Bücher.de/').host, 'B%C3%BCcher.de');
}

export function hostileHostsFailWithoutCostingMore() {
  // A domain that needs IDNA and is longer than 1265 UTF-16 units (five times the longest DNS
  // name, Chromium's bound) fails without reaching the host; shorter ones convert.
  const label = 'ü'.repeat(40) + '.';
  const fits = label.repeat(30) + 'de';
  assert(fits.length <= 1265, 'the fitting host is within the bound');
  assertEquals(toAscii(fits), (repeatedU(40) + '.').repeat(30) + 'de');
  assertEquals(toAscii(label.repeat(31) + 'de'), null);
  // A megabyte of non-ASCII, of labels, of ignored code points or of Punycode fails at once.
  const big = 512 * 1024;
  const hostOf = (input) => URL.parse(`https://${input}/`)?.hostname ?? null;
  assertEquals(hostOf('ü'.repeat(big)), null);
  assertEquals(hostOf('ü.'.repeat(big / 2)), null);
  assertEquals(hostOf('\u00AD'.repeat(big) + 'a'), null);
  assertEquals(hostOf('xn--' + 'a'.repeat(big)), null);
  // A single label of more than 1000 units is refused by the Punycode encoder.
  assertEquals(toAscii('ü'.repeat(1001)), null);
  // ASCII hosts without an "xn--" label never need the host, whatever their length.
  assertEquals(hostOf('A'.repeat(big) + '.com'), 'a'.repeat(big) + '.com');
}
