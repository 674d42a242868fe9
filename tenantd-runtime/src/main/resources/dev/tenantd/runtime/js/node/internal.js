// Node.js compatibility (the nodejs_compat flag): what the node:* modules share.
// Each module is a built-in module (builtins.js) made the first time a worker imports
// it; the code of a module runs only then, so an isolate without nodejs_compat pays
// for parsing alone.
//
// Shared with the node/*.js files:
//   node_define(name, make, moduleFlag)   defines `node:<name>`; make() -> the exports
//       (the default export is the whole module object, as Node's CommonJS modules are);
//       moduleFlag: the enable_nodejs_*_module flag the module needs besides nodejs_compat
//   node_require(name)                    the exports of `node:<name>` (for modules built
//       on one another), whatever the flags
//   node_error(Base, code, message)       an error with Node's `code` property
//   node_invalidArgType(name, expected, actual), node_outOfRange(name, range, actual)
//   node_validateFunction(value, name), node_validateString(value, name),
//   node_validateNumber(value, name), node_validateObject(value, name)
//   node_notImplemented(what)             a function that throws ERR_METHOD_NOT_IMPLEMENTED
//   node_describe(value)                  a value as Node's error messages show it
//   node_configure(flags, bindings)       (worker.js) installs the globals the flags select

function node_enabled(flags) {
  return flags.nodejs_compat === true || flags.nodejs_compat_v2 === true;
}

const node_hint = 'the node:* modules need the nodejs_compat compatibility flag '
  + '(compatibility_flags = ["nodejs_compat"] in wrangler.toml)';

// Every node:* module made, by name, once per isolate.
const node_made = new SafeMap();
const node_makers = new SafeMap();

function node_require(name) {
  let exports = node_made.get(name);
  if (exports === undefined) {
    exports = node_makers.get(name)();
    node_made.set(name, exports);
  }
  return exports;
}

function node_define(name, make, moduleFlag) {
  node_makers.set(name, make);
  const enabledBy = moduleFlag === undefined
    ? node_enabled
    : (flags) => node_enabled(flags) && flags[moduleFlag] === true;
  const hint = moduleFlag === undefined
    ? node_hint
    : `node:${name} needs the nodejs_compat and ${moduleFlag} compatibility flags (${moduleFlag} is on by `
      + 'default with nodejs_compat from the compatibility date Cloudflare enables it)';
  builtins_define(`node:${name}`, () => node_moduleExports(node_require(name)), enabledBy, hint);
}

// The exports of a module as an ES module namespace: its own enumerable properties,
// and `default` for the whole object (`import fs from 'node:fs'`).
function node_moduleExports(module) {
  const exports = { __proto__: null };
  const keys = ObjectKeys(module);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 'default') exports[keys[i]] = module[keys[i]];
  }
  exports.default = 'default' in module ? module.default : module;
  return exports;
}

function node_error(Base, code, message) {
  const error = new Base(message);
  ObjectDefineProperty(error, 'code', { value: code, writable: true, configurable: true, enumerable: true });
  return error;
}

function node_describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const name = value.constructor && value.constructor.name;
    return name ? `an instance of ${name}` : 'an object';
  }
  let shown = typeof value === 'string' ? `'${value}'` : String(value);
  if (typeof value === 'bigint') shown += 'n';
  if (shown.length > 28) shown = `${StringPrototypeSlice(shown, 0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

function node_invalidArgType(name, expected, actual) {
  const kind = StringPrototypeIncludes(name, '.') ? 'property' : 'argument';
  return node_error(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${kind} must be ${expected}. Received ${node_describe(actual)}`);
}

function node_outOfRange(name, range, actual) {
  return node_error(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${String(actual)}`);
}

function node_validateFunction(value, name) {
  if (typeof value !== 'function') throw node_invalidArgType(name, 'of type function', value);
}

function node_validateString(value, name) {
  if (typeof value !== 'string') throw node_invalidArgType(name, 'of type string', value);
}

function node_validateNumber(value, name) {
  if (typeof value !== 'number') throw node_invalidArgType(name, 'of type number', value);
}

function node_validateObject(value, name) {
  if (value === null || typeof value !== 'object') throw node_invalidArgType(name, 'of type object', value);
}

function node_notImplemented(what) {
  return function notImplemented() {
    throw node_error(Error, 'ERR_METHOD_NOT_IMPLEMENTED', `The ${what} method is not implemented`);
  };
}

// Globals per workerd: with nodejs_compat_v2 semantics (nodejs_compat from 2024-09-23)
// Buffer, process, global, setImmediate and clearImmediate are globals.
function node_configure(flags, bindings) {
  if (!node_enabled(flags) && flags.nodejs_als !== true) return;
  if (flags.nodejs_als === true && !node_enabled(flags)) {
    builtins_define('node:async_hooks', () => node_moduleExports(node_require('async_hooks')));
    return;
  }
  node_defineStubs();
  node_processEnv = {};
  if (flags.nodejs_compat_populate_process_env === true) {
    for (let i = 0; i < bindings.length; i++) {
      if (typeof bindings[i].value === 'string') node_processEnv[bindings[i].name] = bindings[i].value;
    }
  }
  if (flags.nodejs_compat_v2 === true) {
    defineGlobal('setImmediate', function setImmediate(callback, ...args) {
      return node_require('timers').setImmediate(callback, ...args);
    });
    defineGlobal('clearImmediate', function clearImmediate(immediate) {
      node_require('timers').clearImmediate(immediate);
    });
    defineGlobal('global', globalThis);
    defineGlobal('Buffer', node_require('buffer').Buffer);
    defineGlobal('process', node_require('process'));
  }
}

// process.env as configured for this worker (filled from its text bindings when
// nodejs_compat_populate_process_env is on).
let node_processEnv = {};

const node_NumberIsInteger = Number.isInteger;
const node_TypedArrayPrototypeFill = uncurryThis(TypedArrayPrototype.fill);
