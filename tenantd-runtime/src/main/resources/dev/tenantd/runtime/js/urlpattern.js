// URLPattern per the URL Pattern Standard: a pattern string is tokenized, parsed into
// parts (fixed text, named or numbered groups, wildcards, custom regular expressions,
// each with a modifier), and each of a URL's eight components gets one regular
// expression made from its parts. Canonicalizing a component's text is the URL
// parser's work (urlPatternCanonical in url.js).
//
// Group names are identifiers: ASCII letters, digits, `$` and `_`, and any code point
// beyond ASCII (V8 here has no Unicode property escapes to tell ID_Start apart).
//
// This file is the URLPattern class every isolate has; the tokenizer, the parser and
// the compiling to regular expressions (urlpattern-parse.js) are the [urlpattern] part
// of bootstrap.txt, loaded the first time a worker constructs a URLPattern.
//
// Shared with the urlpattern part: up_RegExp, up_RegExpPrototypeExec (taken here,
// before any worker code runs).

const up_RegExp = RegExp;
const up_RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);

class URLPattern {
  #components;
  #hasRegExpGroups = false;

  constructor(input = undefined, baseURL = undefined, options = undefined) {
    // (input, options) as well as (input, baseURL, options)
    if (baseURL !== undefined && baseURL !== null && typeof baseURL === 'object') {
      options = baseURL;
      baseURL = undefined;
    }
    const up = lazy_load('urlpattern');
    const ignoreCase = options !== undefined && options !== null && !!options.ignoreCase;
    let init;
    if (typeof input === 'string') {
      init = up.up_parseConstructorString(input);
      if (baseURL === undefined && init.protocol === undefined) {
        throw new TypeError(`Invalid pattern '${input}': a relative pattern needs a baseURL`);
      }
      if (baseURL !== undefined) init.baseURL = webIdlToString(baseURL, 'baseURL');
    } else {
      if (input !== undefined && input !== null && typeof input !== 'object') {
        throw new TypeError("Failed to construct 'URLPattern': the input must be a string or a URLPatternInit object.");
      }
      if (baseURL !== undefined) {
        throw new TypeError("Failed to construct 'URLPattern': a baseURL is only allowed with a pattern string.");
      }
      init = input ?? {};
    }
    const processed = up.up_processInit(init, 'pattern');
    for (let i = 0; i < up.up_COMPONENTS.length; i++) {
      if (processed[up.up_COMPONENTS[i]] === undefined) processed[up.up_COMPONENTS[i]] = '*';
    }
    if (up.up_isSpecialScheme(processed.protocol) && processed.port === up.up_DEFAULT_PORTS[processed.protocol]) {
      processed.port = '';
    }
    const compile = (name, encode, opts) => up.up_compile(processed[name], encode, opts, ignoreCase);
    const protocol = compile('protocol', (v) => urlPatternCanonical('protocol', v), up.up_DEFAULT_OPTIONS);
    const special = up.up_matchesSpecialScheme(protocol);
    const components = {
      __proto__: null,
      protocol,
      username: compile('username', (v) => urlPatternCanonical('username', v), up.up_DEFAULT_OPTIONS),
      password: compile('password', (v) => urlPatternCanonical('password', v), up.up_DEFAULT_OPTIONS),
      hostname: compile('hostname', up.up_isIPv6Pattern(processed.hostname) ? up.up_canonicalIPv6
        : (v) => urlPatternCanonical('hostname', v), up.up_HOSTNAME_OPTIONS),
      port: compile('port', (v) => urlPatternCanonical('port', v), up.up_DEFAULT_OPTIONS),
      pathname: special
        ? compile('pathname', (v) => up.up_canonicalPathname(v), up.up_PATHNAME_OPTIONS)
        : compile('pathname', (v) => urlPatternCanonical('opaque pathname', v), up.up_DEFAULT_OPTIONS),
      search: compile('search', (v) => urlPatternCanonical('search', v), up.up_DEFAULT_OPTIONS),
      hash: compile('hash', (v) => urlPatternCanonical('hash', v), up.up_DEFAULT_OPTIONS),
    };
    this.#components = components;
    for (let i = 0; i < up.up_COMPONENTS.length; i++) {
      if (components[up.up_COMPONENTS[i]].hasRegExpGroups) this.#hasRegExpGroups = true;
    }
  }

  get protocol() { return this.#components.protocol.pattern; }
  get username() { return this.#components.username.pattern; }
  get password() { return this.#components.password.pattern; }
  get hostname() { return this.#components.hostname.pattern; }
  get port() { return this.#components.port.pattern; }
  get pathname() { return this.#components.pathname.pattern; }
  get search() { return this.#components.search.pattern; }
  get hash() { return this.#components.hash.pattern; }
  get hasRegExpGroups() { return this.#hasRegExpGroups; }

  test(input = undefined, baseURL = undefined) {
    return this.#match(input, baseURL) !== null;
  }

  exec(input = undefined, baseURL = undefined) {
    return this.#match(input, baseURL);
  }

  #match(input, baseURL) {
    const up = lazy_load('urlpattern');
    let values;
    const inputs = [input ?? {}];
    if (typeof input === 'string') {
      if (baseURL !== undefined) {
        baseURL = webIdlToString(baseURL, 'baseURL');
        ArrayPrototypePush(inputs, baseURL);
      }
      values = urlPatternComponents(input, baseURL);
      if (values === null) return null;
    } else {
      if (input !== undefined && input !== null && typeof input !== 'object') {
        throw new TypeError("Failed to execute 'exec' on 'URLPattern': the input must be a string or a URLPatternInit object.");
      }
      if (baseURL !== undefined) {
        throw new TypeError("Failed to execute 'exec' on 'URLPattern': a baseURL is only allowed with a URL string.");
      }
      try {
        values = up.up_processInit(input ?? {}, 'url');
      } catch {
        return null;
      }
    }
    const result = { inputs };
    for (let i = 0; i < up.up_COMPONENTS.length; i++) {
      const name = up.up_COMPONENTS[i];
      const component = this.#components[name];
      const value = values[name] ?? '';
      const found = up_RegExpPrototypeExec(component.regexp, value);
      if (found === null) return null;
      const groups = {};
      for (let g = 0; g < component.names.length; g++) groups[component.names[g]] = found[g + 1];
      result[name] = { input: value, groups };
    }
    return result;
  }
}
webIdlClass(URLPattern);

defineGlobal('URLPattern', URLPattern);
