// Intl.Segmenter's word granularity for Chinese and Japanese.
//
// The engine's ICU has no dictionary for Han and kana: it returns a run of those scripts as
// one segment, where Workers split it into words. So segment() with word granularity, on text
// that holds them, segments through the host (ICU4J, which has the dictionary): a window of
// the text per host call, and only as far as the segments are read. Graphemes, sentences and
// text without those scripts stay with the engine.
//
// Defines nothing for other files: it replaces Intl.Segmenter.prototype.segment in place.
{
  const segmenterPrototype = Intl.Segmenter.prototype;
  const engineSegment = segmenterPrototype.segment;
  const resolvedOptions = segmenterPrototype.resolvedOptions;
  const dictionaryScripts = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
  // UTF-16 units per host call (WordSegmentHostCalls.MAX_TEXT_LENGTH).
  const WINDOW = 16384;
  // A boundary this close to a window's end may depend on text past it: it is taken from the
  // next window instead, which starts at the last boundary kept.
  const MARGIN = 256;
  const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf([][SymbolIterator]()));
  const MathTrunc = Math.trunc;

  // The segments of one input: ends[i] is where segment i ends, wordLike[i] whether it is a word.
  // They are found window by window, up to `scanned` (a boundary, or the input's length).
  class Segments {
    #locale;
    #input;
    #ends = [];
    #wordLike = [];
    #scanned = 0;

    constructor(locale, input) {
      this.#locale = locale;
      this.#input = input;
    }

    containing(index) {
      let n = +index;
      n = n !== n ? 0 : MathTrunc(n);
      if (n < 0 || n >= this.#input.length) return undefined;
      while (this.#scanned <= n) this.#scan();
      // The first segment that ends after n.
      let low = 0;
      let high = this.#ends.length - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (this.#ends[middle] > n) high = middle;
        else low = middle + 1;
      }
      return this.#segment(low);
    }

    [SymbolIterator]() {
      return new SegmentIterator(segments_token, this);
    }

    // Segment data for segment i, or undefined past the last one.
    static at(segments, i) {
      while (i >= segments.#ends.length && segments.#scanned < segments.#input.length) segments.#scan();
      return i < segments.#ends.length ? segments.#segment(i) : undefined;
    }

    #segment(i) {
      const start = i === 0 ? 0 : this.#ends[i - 1];
      return {
        segment: StringPrototypeSlice(this.#input, start, this.#ends[i]),
        index: start,
        input: this.#input,
        isWordLike: this.#wordLike[i],
      };
    }

    #scan() {
      const from = this.#scanned;
      const text = StringPrototypeSlice(this.#input, from, from + WINDOW);
      const last = from + text.length === this.#input.length;
      const answer = host.segmentWords(this.#locale, text);
      if (answer === null) throw new TypeError('Intl.Segmenter: the text could not be segmented');
      const bytes = memory_fromHost(answer);
      memory_count(TypedArrayPrototypeGetByteLength(bytes));
      const count = TypedArrayPrototypeGetLength(bytes) >>> 2;
      const keepUntil = last ? text.length : text.length - MARGIN;
      for (let i = 0; i < count; i++) {
        const at = i * 4;
        const packed = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
        const end = packed >>> 1;
        // Past the margin, only a segment that is the window's first is kept (one longer than it).
        if (end > keepUntil && i > 0) break;
        ArrayPrototypePush(this.#ends, from + end);
        ArrayPrototypePush(this.#wordLike, (packed & 1) === 1);
        this.#scanned = from + end;
      }
      if (this.#scanned === from) {
        // The host found no segment (it cannot for a window of text): the rest is one.
        ArrayPrototypePush(this.#ends, this.#input.length);
        ArrayPrototypePush(this.#wordLike, false);
        this.#scanned = this.#input.length;
      }
    }
  }
  delete Segments.prototype.constructor;
  const segmentAt = Segments.at;
  delete Segments.at;

  class SegmentIterator {
    #segments;
    #next = 0;

    constructor(token, segments) {
      if (token !== segments_token) throw new TypeError('Illegal constructor');
      this.#segments = segments;
    }

    next() {
      const value = segmentAt(this.#segments, this.#next);
      if (value === undefined) return { value: undefined, done: true };
      this.#next++;
      return { value, done: false };
    }
  }
  delete SegmentIterator.prototype.constructor;
  ObjectSetPrototypeOf(SegmentIterator.prototype, IteratorPrototype);
  ObjectDefineProperty(SegmentIterator.prototype, SymbolToStringTag,
    { value: 'Segmenter String Iterator', writable: false, enumerable: false, configurable: true });
  const segments_token = Symbol('Segments');

  const methods = {
    segment(string) {
      // resolvedOptions() refuses a receiver that is no Intl.Segmenter, before the string is read.
      const options = ReflectApply(resolvedOptions, this, []);
      const input = `${string}`;
      if (options.granularity !== 'word' || RegExpPrototypeExec(dictionaryScripts, input) === null) {
        return ReflectApply(engineSegment, this, [input]);
      }
      return new Segments(options.locale, input);
    },
  };
  ObjectDefineProperty(segmenterPrototype, 'segment',
    { value: methods.segment, writable: true, enumerable: false, configurable: true });
}
