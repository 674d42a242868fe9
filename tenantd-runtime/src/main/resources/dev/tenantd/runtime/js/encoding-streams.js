// TextDecoderStream and TextEncoderStream (Encoding Standard §7): a TransformStream each,
// made with the TransformStream of streams.js, whose transform decodes or encodes one chunk.
// As in Workers, both inherit from TransformStream; their own accessors answer for the two
// sides. The decoder and the TransformStream are taken at start-up, so a worker replacing
// TextDecoder.prototype.decode or TransformStream changes nothing here.

const encstream_TransformStream = globalThis.TransformStream;
const encstream_readableOf = uncurryThis(
  ObjectGetOwnPropertyDescriptor(encstream_TransformStream.prototype, 'readable').get);
const encstream_writableOf = uncurryThis(
  ObjectGetOwnPropertyDescriptor(encstream_TransformStream.prototype, 'writable').get);
const encstream_decode = uncurryThis(TextDecoder.prototype.decode);
const encstream_STREAM = ObjectFreeze({ __proto__: null, stream: true });

class TextDecoderStream {
  #encoding;
  #fatal;
  #ignoreBOM;
  #readable;
  #writable;

  constructor(label = 'utf-8', options = undefined) {
    const decoder = new TextDecoder(label, options); // a fresh one: its getters are still ours
    const transform = new encstream_TransformStream({
      __proto__: null,
      transform(chunk, controller) {
        const bytes = enc_bufferSourceBytes(chunk, "Failed to execute 'write' on 'TextDecoderStream'");
        const text = encstream_decode(decoder, bytes, encstream_STREAM);
        if (text.length > 0) controller.enqueue(text);
      },
      flush(controller) {
        const text = encstream_decode(decoder);
        if (text.length > 0) controller.enqueue(text);
      },
    });
    this.#encoding = decoder.encoding;
    this.#fatal = decoder.fatal;
    this.#ignoreBOM = decoder.ignoreBOM;
    this.#readable = encstream_readableOf(transform);
    this.#writable = encstream_writableOf(transform);
  }

  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  get readable() { return this.#readable; }
  get writable() { return this.#writable; }
}

class TextEncoderStream {
  #readable;
  #writable;

  constructor() {
    // A lead surrogate that ended the last chunk: it pairs with a trail surrogate that
    // starts the next one, and becomes U+FFFD otherwise.
    let pendingLead = '';
    const transform = new encstream_TransformStream({
      __proto__: null,
      transform(chunk, controller) {
        let text = pendingLead + webIdlToString(chunk, "Failed to execute 'write' on 'TextEncoderStream'");
        pendingLead = '';
        const last = text.length > 0 ? StringPrototypeCharCodeAt(text, text.length - 1) : 0;
        if (last >= 0xD800 && last <= 0xDBFF) {
          pendingLead = StringPrototypeSlice(text, text.length - 1);
          text = StringPrototypeSlice(text, 0, text.length - 1);
        }
        if (text.length > 0) controller.enqueue(utf8Encode(text));
      },
      flush(controller) {
        if (pendingLead !== '') controller.enqueue(utf8Encode('\uFFFD'));
      },
    });
    this.#readable = encstream_readableOf(transform);
    this.#writable = encstream_writableOf(transform);
  }

  get encoding() {
    this.#readable;
    return 'utf-8';
  }

  get readable() { return this.#readable; }
  get writable() { return this.#writable; }
}

ObjectSetPrototypeOf(TextDecoderStream.prototype, encstream_TransformStream.prototype);
ObjectSetPrototypeOf(TextDecoderStream, encstream_TransformStream);
ObjectSetPrototypeOf(TextEncoderStream.prototype, encstream_TransformStream.prototype);
ObjectSetPrototypeOf(TextEncoderStream, encstream_TransformStream);
webIdlClass(TextDecoderStream);
webIdlClass(TextEncoderStream);
defineGlobal('TextDecoderStream', TextDecoderStream);
defineGlobal('TextEncoderStream', TextEncoderStream);
