// HTMLRewriter as Cloudflare Workers expose it: `new HTMLRewriter().on(selector,
// handlers).onDocument(handlers).transform(response)` answers at once with a
// Response whose body is rewritten while it streams. Each read of that body pulls
// one chunk of the original body through the tokenizer (html-tokenizer.js), awaits
// the handlers of its tokens in document order and enqueues what is final, so
// memory stays bounded by a chunk and a pending tag whatever the document's size.
// The content tokens handed to handlers are in html-content.js.
//
// The document is decoded with the charset of the response's Content-Type
// (UTF-8 when it names none, as Workers do; <meta charset> is not consulted) and
// written back in the same encoding.
//
// This file is the API every isolate has; the rest of HTMLRewriter (html-selectors.js,
// html-tokenizer.js, html-content.js and the run in html-run.js) is the [html] part of
// bootstrap.txt, loaded the first time a worker calls on() or transform().
//
// Shared with the html part: the reader methods it calls, taken here, before any
// worker code runs:
//   htmlReadableStreamGetReader(stream), htmlReaderRead(reader), htmlReaderCancel(reader, reason)

const htmlReadableStreamGetReader = uncurryThis(ReadableStream.prototype.getReader);
const htmlReaderRead = uncurryThis(ReadableStreamDefaultReader.prototype.read);
const htmlReaderCancel = uncurryThis(ReadableStreamDefaultReader.prototype.cancel);

{
  const ResponseGetType = uncurryThis(ObjectGetOwnPropertyDescriptor(Response.prototype, 'type').get);
  function handlersOf(handlers, names, type) {
    if (handlers === undefined || handlers === null) return {};
    if (typeof handlers !== 'object' && typeof handlers !== 'function') {
      throw new TypeError(`Incorrect type: the provided value is not of type '${type}'.`);
    }
    const found = {};
    for (let i = 0; i < names.length; i++) {
      const fn = handlers[names[i]];
      if (fn === undefined) continue;
      if (typeof fn !== 'function') {
        throw new TypeError(`Incorrect type for the '${names[i]}' field on '${type}': the provided value is not of type 'function'.`);
      }
      found[names[i]] = fn;
    }
    return found;
  }

  function registration(selector, handlers, fns) {
    return {
      selector, thisArg: handlers, active: 0, element: fns.element, comments: fns.comments, text: fns.text,
      doctype: fns.doctype, end: fns.end,
    };
  }

  class HTMLRewriter {
    #registrations = [];

    on(selector, handlers) {
      const what = "Failed to execute 'on' on 'HTMLRewriter'";
      requireArguments(arguments.length, 2, what);
      const parsed = lazy_load('html').htmlSelectorParse(webIdlToString(selector, what));
      const fns = handlersOf(handlers, ['element', 'comments', 'text'], 'ElementContentHandlers');
      ArrayPrototypePush(this.#registrations, registration(parsed, handlers, fns));
      return this;
    }

    onDocument(handlers) {
      const what = "Failed to execute 'onDocument' on 'HTMLRewriter'";
      requireArguments(arguments.length, 1, what);
      const fns = handlersOf(handlers, ['doctype', 'comments', 'text', 'end'], 'DocumentContentHandlers');
      ArrayPrototypePush(this.#registrations, registration(null, handlers, fns));
      return this;
    }

    transform(response) {
      const what = "Failed to execute 'transform' on 'HTMLRewriter'";
      requireArguments(arguments.length, 1, what);
      const body = body_ofResponse(response);
      if (body === undefined) throw new TypeError(`${what}: parameter 1 is not of type 'Response'.`);
      if (ResponseGetType(response) === 'error') throw new TypeError('HTMLRewriter cannot transform an error response');
      if (body_isUnusable(body)) throw new TypeError(`${what}: ${body_USED}`);
      const input = body_stream(body);
      if (input === null) return response;
      const parts = body_responseParts(response);
      // The rewritten body has another length, so the original one is not passed on.
      const flat = [];
      for (let i = 0; i < parts.headers.length; i += 2) {
        if (parts.headers[i] !== 'content-length') ArrayPrototypePush(flat, parts.headers[i], parts.headers[i + 1]);
      }
      const headers = headersFromFlat(flat);
      const html = lazy_load('html');
      const codec = html.htmlCodecFor(headersGet(headers, 'content-type'));
      const registrations = [];
      for (let i = 0; i < this.#registrations.length; i++) {
        const reg = this.#registrations[i];
        ArrayPrototypePush(registrations, registration(reg.selector, reg.thisArg, reg));
      }
      const run = new html.HtmlRun(registrations, codec, htmlReadableStreamGetReader(input));
      const output = streams_newReadable({
        type: 'bytes',
        pull: (controller) => run.pull(controller),
        cancel: (reason) => run.cancel(reason),
      }, { highWaterMark: 0 });
      return body_makeResponse(parts.status, parts.statusText, headers, body_fromStream(output), '', false);
    }
  }
  webIdlClass(HTMLRewriter);
  defineGlobal('HTMLRewriter', HTMLRewriter);
}
