// ICU in the engine: Unicode property escapes, normalization, locale-aware comparison and the
// Intl formatters, with the values workerd gives for the same calls, and the defaults a worker
// sees (en-US, UTC) whatever the host's settings.
import { assert, assertDeepEquals, assertEquals, assertThrows } from './assert.js';

const MARCH_5 = new Date(Date.UTC(2024, 2, 5, 14, 7, 9));

export function unicodePropertyEscapesCompileAndMatch() {
  assert(/\p{L}/u.test('é'));
  assert(!/\p{L}/u.test('4'));
  assertEquals(/[\p{L}\p{N}]+/u.exec('--héllo42--')[0], 'héllo42');
  assertEquals(/\p{Script=Greek}+/u.exec('abc αβγ def')[0], 'αβγ');
  assertEquals(/\p{sc=Cyrillic}+/u.exec('abc привет')[0], 'привет');
  assert(!/\p{Lu}/u.test('a'));
  assert(/^\p{Emoji_Presentation}$/u.test('😀'));
  assert(/^\p{RGI_Emoji}$/v.test('👍🏽'));
  // What a Markdown parser builds its punctuation and whitespace classes from.
  const punctuation = new RegExp('[\\p{P}\\p{S}]', 'u');
  assert(punctuation.test('¡'));
  assert(/^\p{Zs}$/u.test('\u3000'));
  assertThrows(() => new RegExp('\\p{NoSuchProperty}', 'u'), SyntaxError);
}

export function normalizeUsesTheUnicodeTables() {
  assertEquals('é'.normalize('NFD').length, 2);
  assertEquals('e\u0301'.normalize('NFC'), 'é');
  assertEquals('e\u0301'.normalize(), 'é');
  assertEquals('ﬁ'.normalize('NFKC'), 'fi');
  assertEquals('①'.normalize('NFKD'), '1');
  assertEquals('Å'.normalize('NFD'), 'A\u030A');
  assertThrows(() => 'a'.normalize('NFX'), RangeError);
}

export function defaultsAreEnUsAndUtc() {
  const options = new Intl.DateTimeFormat().resolvedOptions();
  assertEquals(options.locale, 'en-US');
  assertEquals(options.timeZone, 'UTC');
  assertEquals(new Intl.NumberFormat().resolvedOptions().locale, 'en-US');
  assertEquals(new Intl.Collator().resolvedOptions().locale, 'en-US');
  assertEquals(new Intl.PluralRules().resolvedOptions().locale, 'en-US');
  assertEquals(new Intl.Segmenter().resolvedOptions().locale, 'en-US');
  assertEquals(new Intl.RelativeTimeFormat().resolvedOptions().locale, 'en-US');
}

export function dateShowsUtc() {
  assertEquals(MARCH_5.toString(), 'Tue Mar 05 2024 14:07:09 GMT+0000 (Coordinated Universal Time)');
  assertEquals(MARCH_5.getHours(), 14);
  assertEquals(MARCH_5.getTimezoneOffset(), 0);
  assertEquals(new Date(2024, 0, 1).toISOString(), '2024-01-01T00:00:00.000Z');
  assertEquals(MARCH_5.toLocaleString(), '3/5/2024, 2:07:09 PM');
  assertEquals(MARCH_5.toLocaleDateString('de-DE'), '5.3.2024');
}

export function dateTimeFormatWithTimeZones() {
  assertEquals(new Intl.DateTimeFormat().format(MARCH_5), '3/5/2024');
  assertEquals(new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'long' }).format(MARCH_5),
    'Tuesday, March 5, 2024 at 2:07:09 PM UTC');
  assertEquals(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeStyle: 'long', timeZone: 'Europe/Paris' })
    .format(MARCH_5), 'mardi 5 mars 2024 à 15:07:09 UTC+1');
  assertEquals(new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: 'numeric', minute: 'numeric' })
    .format(MARCH_5), '23:07');
  assertEquals(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'short', hour: 'numeric' })
    .format(MARCH_5), '9 AM EST');
  assertDeepEquals(new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', year: 'numeric', month: 'long', day: 'numeric' })
    .formatToParts(MARCH_5), [{ type: 'day', value: '5' }, { type: 'literal', value: '. ' },
    { type: 'month', value: 'März' }, { type: 'literal', value: ' ' }, { type: 'year', value: '2024' }]);
  assertEquals(new Intl.DateTimeFormat('en', { timeZone: 'europe/paris' }).resolvedOptions().timeZone, 'Europe/Paris');
  assertEquals(MARCH_5.toLocaleString('en-US', { timeZone: 'Europe/Paris' }), '3/5/2024, 3:07:09 PM');
  assertEquals(MARCH_5.toLocaleTimeString('en-GB', { timeZone: 'Europe/London' }), '14:07:09');
  assertEquals(new Intl.DateTimeFormat('en', { timeZone: 'UTC', dateStyle: 'medium' })
    .formatRange(MARCH_5, new Date(MARCH_5.getTime() + 3 * 86400000)), 'Mar 5\u2009–\u20098, 2024');
  assert(Intl.supportedValuesOf('timeZone').includes('Europe/Paris'));
  const e = assertThrows(() => new Intl.DateTimeFormat('en', { timeZone: 'Mars/Base' }), RangeError);
  assertEquals(e.message, 'Invalid time zone specified: Mars/Base');
}

export function formattingTheCurrentTimeReadsTheWorkersClock() {
  const options = { timeZone: 'UTC', hour: 'numeric', minute: 'numeric', second: 'numeric', fractionalSecondDigits: 3, hour12: false };
  const dtf = new Intl.DateTimeFormat('en-US', options);
  assertEquals(dtf.format(), dtf.format(Date.now()));
  assertEquals(dtf.format, dtf.format);
  assertEquals(dtf.format.length, 1);
  assertEquals(dtf.format.name, '');
  assertDeepEquals(dtf.formatToParts(), dtf.formatToParts(Date.now()));
  assertThrows(() => Intl.DateTimeFormat.prototype.format, TypeError);
  assertThrows(() => Intl.DateTimeFormat.prototype.formatToParts.call({}), TypeError);
  // Temporal, which reads the clock too, is not there, as on Workers.
  assertEquals(typeof globalThis.Temporal, 'undefined');
  assertEquals('Temporal' in globalThis, false);
}

export function numberFormatAndCurrencies() {
  assertEquals(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1234567.891), '$1,234,567.89');
  assertEquals(new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(1234567.891), '1.234.567,89\u00a0€');
  assertEquals(new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }).format(1234567.891), '￥1,234,568');
  assertEquals(new Intl.NumberFormat('en-IN').format(1234567.891), '12,34,567.891');
  assertEquals((1234567.891).toLocaleString(), '1,234,567.891');
  assertEquals((1234567.891).toLocaleString('fr-FR'), '1\u202f234\u202f567,891');
  assertEquals(new Intl.NumberFormat('en', { notation: 'compact' }).format(1234567), '1.2M');
  assertEquals(new Intl.NumberFormat('en', { style: 'unit', unit: 'kilometer-per-hour' }).format(50), '50 km/h');
  assertEquals(new Intl.NumberFormat('en', { style: 'percent' }).format(0.256), '26%');
  assertThrows(() => new Intl.NumberFormat('en', { style: 'currency' }), TypeError);
}

export function collationFollowsTheLocale() {
  assertEquals(['é', 'e', 'z', 'a'].sort(new Intl.Collator('fr').compare).join(''), 'aeéz');
  assertEquals(['é', 'e', 'z', 'a'].sort((x, y) => x.localeCompare(y, 'fr')).join(''), 'aeéz');
  assertEquals(['ä', 'a', 'z'].sort(new Intl.Collator('de').compare).join(''), 'aäz');
  assertEquals(['ä', 'a', 'z'].sort(new Intl.Collator('sv').compare).join(''), 'azä');
  assertEquals('a'.localeCompare('B'), -1);
  assertEquals('a'.localeCompare('A', 'en', { sensitivity: 'base' }), 0);
  assertEquals('ä'.localeCompare('a', 'de', { sensitivity: 'base' }), 0);
  assertEquals(['item10', 'item2', 'item1'].sort(new Intl.Collator('en', { numeric: true }).compare).join(','),
    'item1,item2,item10');
}

export function segmenterSplitsGraphemesWordsAndSentences() {
  const segments = (locale, granularity, text) =>
    Array.from(new Intl.Segmenter(locale, { granularity }).segment(text), (s) => s.segment);
  assertDeepEquals(segments('en', 'grapheme', 'e\u0301👨‍👩‍👧🇫🇷'), ['e\u0301', '👨‍👩‍👧', '🇫🇷']);
  assertDeepEquals(Array.from(new Intl.Segmenter('en', { granularity: 'word' }).segment('Hello, world! 42'),
    (s) => [s.segment, s.isWordLike]),
  [['Hello', true], [',', false], [' ', false], ['world', true], ['!', false], [' ', false], ['42', true]]);
  assertDeepEquals(segments('th', 'word', 'สวัสดีครับ'), ['สวัสดี', 'ครับ']);
  assertDeepEquals(segments('ja', 'word', '今日は良い天気'), ['今日', 'は', '良い', '天気']);
  assertDeepEquals(segments('en', 'sentence', 'Hi there. How are you? Fine.'), ['Hi there. ', 'How are you? ', 'Fine.']);
}

// Expected values are Node's (ICU 78) and workerd's.
export function segmenterSplitsChineseAndJapaneseWords() {
  const words = (locale, text) => Array.from(new Intl.Segmenter(locale, { granularity: 'word' }).segment(text),
    (s) => [s.segment, s.index, s.isWordLike]);
  assertDeepEquals(words('zh', '我喜欢吃苹果。'),
    [['我', 0, true], ['喜欢', 1, true], ['吃', 3, true], ['苹果', 4, true], ['。', 6, false]]);
  assertDeepEquals(words('en', 'Hello 世界! 東京タワーへ行く'),
    [['Hello', 0, true], [' ', 5, false], ['世界', 6, true], ['!', 8, false], [' ', 9, false], ['東京タワー', 10, true],
      ['へ', 15, true], ['行く', 16, true]]);
  assertDeepEquals(words('ja', ''), []);

  const segments = new Intl.Segmenter('ja', { granularity: 'word' }).segment('今日は良い天気');
  const at = (index) => {
    const found = segments.containing(index);
    return found === undefined ? undefined : [found.segment, found.index, found.input, found.isWordLike];
  };
  assertDeepEquals(at(0), ['今日', 0, '今日は良い天気', true]);
  assertDeepEquals(at(2), ['は', 2, '今日は良い天気', true]);
  assertDeepEquals(at(6), ['天気', 5, '今日は良い天気', true]);
  assertDeepEquals(at('3'), ['良い', 3, '今日は良い天気', true]);
  assertDeepEquals(at(NaN), ['今日', 0, '今日は良い天気', true]);
  assertEquals(at(7), undefined);
  assertEquals(at(-1), undefined);
  assertThrows(() => segments.containing(1n), TypeError);
  assertDeepEquals(Object.keys(segments.containing(0)), ['segment', 'index', 'input', 'isWordLike']);

  const iterator = segments[Symbol.iterator]();
  assertEquals(Object.prototype.toString.call(iterator), '[object Segmenter String Iterator]');
  assertEquals(Object.getPrototypeOf(Object.getPrototypeOf(iterator)),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  assertDeepEquals(iterator.next().value.segment, '今日');
  assertThrows(() => Intl.Segmenter.prototype.segment.call({}, '今日'), TypeError);
  assertThrows(() => new Intl.Segmenter('ja', { granularity: 'word' }).segment(Symbol('x')), TypeError);
  // Graphemes and sentences of the same text stay with the engine.
  assertDeepEquals(Array.from(new Intl.Segmenter('ja').segment('今日'), (s) => s.segment), ['今', '日']);
}

export function segmenterSplitsLongJapaneseTextAsItsParts() {
  // Longer than one host window (16,384 units): the words of each sentence are the same
  // wherever a window ends, and containing() reaches past the first window.
  const sentence = '東京都は日本の首都です。';
  const words = ['東京', '都', 'は', '日本', 'の', '首都', 'です', '。'];
  const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });
  const all = Array.from(segmenter.segment(sentence.repeat(3000)), (s) => s.segment);
  assertEquals(all.length, words.length * 3000);
  for (let i = 0; i < all.length; i++) {
    if (all[i] !== words[i % words.length]) throw new Error(`word ${i} is ${all[i]}, expected ${words[i % words.length]}`);
  }
  const found = segmenter.segment(sentence.repeat(3000)).containing(sentence.length * 2000 + 7);
  assertDeepEquals([found.segment, found.index], ['首都', sentence.length * 2000 + 7]);
}

export function pluralRules() {
  const select = (locale, n, type = 'cardinal') => new Intl.PluralRules(locale, { type }).select(n);
  assertDeepEquals([select('en', 1), select('en', 2), select('en', 2, 'ordinal'), select('en', 3, 'ordinal'),
    select('en', 11, 'ordinal'), select('ar', 3), select('ru', 5), select('ru', 21), select('pl', 2)],
  ['one', 'other', 'two', 'few', 'other', 'few', 'many', 'one', 'few']);
}

export function relativeTimeFormat() {
  assertEquals(new Intl.RelativeTimeFormat('en').format(-1, 'day'), '1 day ago');
  assertEquals(new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-1, 'day'), 'yesterday');
  assertEquals(new Intl.RelativeTimeFormat('fr', { numeric: 'auto' }).format(2, 'day'), 'après-demain');
  assertEquals(new Intl.RelativeTimeFormat('es').format(3, 'month'), 'dentro de 3 meses');
  assertEquals(new Intl.RelativeTimeFormat('en', { style: 'short' }).format(-5, 'minute'), '5 min. ago');
  assertThrows(() => new Intl.RelativeTimeFormat('en').format(1, 'fortnight'), RangeError);
}

export function listsNamesLocalesAndCase() {
  assertEquals(new Intl.ListFormat('en', { type: 'conjunction' }).format(['a', 'b', 'c']), 'a, b, and c');
  assertEquals(new Intl.ListFormat('de', { type: 'disjunction' }).format(['a', 'b']), 'a oder b');
  assertEquals(new Intl.DisplayNames(['en'], { type: 'region' }).of('FR'), 'France');
  assertEquals(new Intl.DisplayNames(['fr'], { type: 'language' }).of('de'), 'allemand');
  assertEquals(new Intl.DisplayNames(['en'], { type: 'currency' }).of('JPY'), 'Japanese Yen');
  assertEquals(new Intl.DurationFormat('en', { style: 'long' }).format({ hours: 1, minutes: 2 }), '1 hour, 2 minutes');
  const locale = new Intl.Locale('en-Latn-US', { calendar: 'gregory', hourCycle: 'h12' });
  assertEquals(locale.toString(), 'en-Latn-US-u-ca-gregory-hc-h12');
  assertEquals(new Intl.Locale('zh').maximize().toString(), 'zh-Hans-CN');
  assertDeepEquals(Intl.getCanonicalLocales(['EN-us', 'zh-hant-tw']), ['en-US', 'zh-Hant-TW']);
  assertDeepEquals(Intl.DateTimeFormat.supportedLocalesOf(['fr', 'xx', 'de-CH']), ['fr', 'de-CH']);
  assertEquals('I'.toLocaleLowerCase('tr'), 'ı');
  assertEquals('i'.toLocaleUpperCase('tr'), 'İ');
}

export function dateTimePartsHavePlainSpacesAsFormatDoes() {
  const f = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: 'numeric', timeZone: 'UTC' });
  const start = new Date(Date.UTC(2024, 0, 1, 15, 4));
  const end = new Date(Date.UTC(2024, 0, 1, 17, 30));
  const parts = f.formatToParts(start);
  assertEquals(parts.map((p) => p.value).join(''), f.format(start));
  assertEquals(parts.find((p) => p.type === 'dayPeriod').value, 'PM');
  assert(parts.every((p) => !p.value.includes('\u202f')), 'no narrow no-break space in the parts');
  const range = f.formatRangeToParts(start, end);
  assert(range.every((p) => !p.value.includes('\u202f')), 'nor in a range\'s parts');
  assertEquals(range.map((p) => p.value).join(''), f.formatRange(start, end));
  assert(!f.formatRange(start, end).includes('\u202f'), 'nor in a range');
  assertEquals(Intl.DateTimeFormat.prototype.formatRangeToParts.length, 2);
  assertEquals(Intl.DateTimeFormat.prototype.formatRange.length, 2);
}
