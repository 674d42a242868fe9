// node:path (POSIX rules, as in workerd, whose working directory is /bundle),
// node:path/posix and node:path/win32 (separators only: its functions are not implemented).

node_define('path', () => {
  const cwd = '/bundle';

  function validate(value, name) {
    node_validateString(value, name);
  }

  // Resolves '.' and '..' segments; `absolute` keeps '..' from climbing above the root.
  function normalizeString(path, allowAboveRoot) {
    let res = '';
    let lastSegmentLength = 0;
    let lastSlash = -1;
    let dots = 0;
    let code = 0;
    for (let i = 0; i <= path.length; ++i) {
      if (i < path.length) code = StringPrototypeCharCodeAt(path, i);
      else if (code === 47) break;
      else code = 47;
      if (code === 47) {
        if (lastSlash === i - 1 || dots === 1) {
          // An empty or '.' segment: nothing to add.
        } else if (dots === 2) {
          if (res.length < 2 || lastSegmentLength !== 2
            || StringPrototypeCharCodeAt(res, res.length - 1) !== 46 || StringPrototypeCharCodeAt(res, res.length - 2) !== 46) {
            if (res.length > 2) {
              const lastSlashIndex = StringPrototypeLastIndexOf(res, '/');
              if (lastSlashIndex === -1) {
                res = '';
                lastSegmentLength = 0;
              } else {
                res = StringPrototypeSlice(res, 0, lastSlashIndex);
                lastSegmentLength = res.length - 1 - StringPrototypeLastIndexOf(res, '/');
              }
              lastSlash = i;
              dots = 0;
              continue;
            } else if (res.length !== 0) {
              res = '';
              lastSegmentLength = 0;
              lastSlash = i;
              dots = 0;
              continue;
            }
          }
          if (allowAboveRoot) {
            res += res.length > 0 ? '/..' : '..';
            lastSegmentLength = 2;
          }
        } else {
          if (res.length > 0) res += `/${StringPrototypeSlice(path, lastSlash + 1, i)}`;
          else res = StringPrototypeSlice(path, lastSlash + 1, i);
          lastSegmentLength = i - lastSlash - 1;
        }
        lastSlash = i;
        dots = 0;
      } else if (code === 46 && dots !== -1) {
        ++dots;
      } else {
        dots = -1;
      }
    }
    return res;
  }

  const posix = {
    sep: '/',
    delimiter: ':',

    resolve(...args) {
      let resolvedPath = '';
      let resolvedAbsolute = false;
      for (let i = args.length - 1; i >= -1 && !resolvedAbsolute; i--) {
        const path = i >= 0 ? args[i] : cwd;
        validate(path, `paths[${i}]`);
        if (path.length === 0) continue;
        resolvedPath = `${path}/${resolvedPath}`;
        resolvedAbsolute = StringPrototypeCharCodeAt(path, 0) === 47;
      }
      resolvedPath = normalizeString(resolvedPath, !resolvedAbsolute);
      if (resolvedAbsolute) return `/${resolvedPath}`;
      return resolvedPath.length > 0 ? resolvedPath : '.';
    },

    normalize(path) {
      validate(path, 'path');
      if (path.length === 0) return '.';
      const isAbsolute = StringPrototypeCharCodeAt(path, 0) === 47;
      const trailingSeparator = StringPrototypeCharCodeAt(path, path.length - 1) === 47;
      let out = normalizeString(path, !isAbsolute);
      if (out.length === 0) {
        if (isAbsolute) return '/';
        return trailingSeparator ? './' : '.';
      }
      if (trailingSeparator) out += '/';
      return isAbsolute ? `/${out}` : out;
    },

    isAbsolute(path) {
      validate(path, 'path');
      return path.length > 0 && StringPrototypeCharCodeAt(path, 0) === 47;
    },

    join(...args) {
      if (args.length === 0) return '.';
      let joined;
      for (let i = 0; i < args.length; ++i) {
        const arg = args[i];
        validate(arg, 'path');
        if (arg.length > 0) joined = joined === undefined ? arg : `${joined}/${arg}`;
      }
      if (joined === undefined) return '.';
      return posix.normalize(joined);
    },

    relative(from, to) {
      validate(from, 'from');
      validate(to, 'to');
      if (from === to) return '';
      from = posix.resolve(from);
      to = posix.resolve(to);
      if (from === to) return '';
      const fromStart = 1;
      const fromEnd = from.length;
      const fromLen = fromEnd - fromStart;
      const toStart = 1;
      const toLen = to.length - toStart;
      const length = fromLen < toLen ? fromLen : toLen;
      let lastCommonSep = -1;
      let i = 0;
      for (; i < length; i++) {
        const fromCode = StringPrototypeCharCodeAt(from, fromStart + i);
        if (fromCode !== StringPrototypeCharCodeAt(to, toStart + i)) break;
        else if (fromCode === 47) lastCommonSep = i;
      }
      if (i === length) {
        if (toLen > length) {
          if (StringPrototypeCharCodeAt(to, toStart + i) === 47) return StringPrototypeSlice(to, toStart + i + 1);
          if (i === 0) return StringPrototypeSlice(to, toStart + i);
        } else if (fromLen > length) {
          if (StringPrototypeCharCodeAt(from, fromStart + i) === 47) lastCommonSep = i;
          else if (i === 0) lastCommonSep = 0;
        }
      }
      let out = '';
      for (i = fromStart + lastCommonSep + 1; i <= fromEnd; ++i) {
        if (i === fromEnd || StringPrototypeCharCodeAt(from, i) === 47) out += out.length === 0 ? '..' : '/..';
      }
      return `${out}${StringPrototypeSlice(to, toStart + lastCommonSep)}`;
    },

    toNamespacedPath(path) {
      return path;
    },

    dirname(path) {
      validate(path, 'path');
      if (path.length === 0) return '.';
      const hasRoot = StringPrototypeCharCodeAt(path, 0) === 47;
      let end = -1;
      let matchedSlash = true;
      for (let i = path.length - 1; i >= 1; --i) {
        if (StringPrototypeCharCodeAt(path, i) === 47) {
          if (!matchedSlash) {
            end = i;
            break;
          }
        } else {
          matchedSlash = false;
        }
      }
      if (end === -1) return hasRoot ? '/' : '.';
      if (hasRoot && end === 1) return '//';
      return StringPrototypeSlice(path, 0, end);
    },

    basename(path, suffix) {
      if (suffix !== undefined) validate(suffix, 'suffix');
      validate(path, 'path');
      let end = path.length;
      while (end > 0 && StringPrototypeCharCodeAt(path, end - 1) === 47) end--;
      if (end === 0) return '';
      let start = StringPrototypeLastIndexOf(StringPrototypeSlice(path, 0, end), '/') + 1;
      const base = StringPrototypeSlice(path, start, end);
      if (suffix !== undefined && suffix.length > 0 && suffix.length < base.length + 1 && base !== suffix
        && StringPrototypeEndsWith(base, suffix)) {
        return StringPrototypeSlice(base, 0, base.length - suffix.length);
      }
      if (suffix !== undefined && base === suffix) return base;
      return base;
    },

    extname(path) {
      validate(path, 'path');
      const base = posix.basename(path);
      const dot = StringPrototypeLastIndexOf(base, '.');
      if (dot <= 0) return '';
      return StringPrototypeSlice(base, dot);
    },

    format(pathObject) {
      node_validateObject(pathObject, 'pathObject');
      const dir = pathObject.dir || pathObject.root;
      const base = pathObject.base
        || `${pathObject.name || ''}${pathObject.ext ? (pathObject.ext[0] === '.' ? '' : '.') + pathObject.ext : ''}`;
      if (!dir) return base;
      return dir === pathObject.root ? `${dir}${base}` : `${dir}/${base}`;
    },

    parse(path) {
      validate(path, 'path');
      const out = { root: '', dir: '', base: '', ext: '', name: '' };
      if (path.length === 0) return out;
      if (StringPrototypeCharCodeAt(path, 0) === 47) out.root = '/';
      let end = path.length;
      while (end > 1 && StringPrototypeCharCodeAt(path, end - 1) === 47) end--;
      const trimmed = StringPrototypeSlice(path, 0, end);
      if (trimmed === '/') return out;
      const slash = StringPrototypeLastIndexOf(trimmed, '/');
      out.base = StringPrototypeSlice(trimmed, slash + 1);
      if (slash === 0) out.dir = '/';
      else if (slash > 0) out.dir = StringPrototypeSlice(trimmed, 0, slash);
      const dot = StringPrototypeLastIndexOf(out.base, '.');
      if (dot <= 0 || out.base === '..') {
        out.name = out.base;
      } else {
        out.name = StringPrototypeSlice(out.base, 0, dot);
        out.ext = StringPrototypeSlice(out.base, dot);
      }
      return out;
    },

    matchesGlob: node_notImplemented('path.matchesGlob'),
  };

  const win32 = { sep: '\\', delimiter: ';' };
  const names = ['resolve', 'normalize', 'isAbsolute', 'join', 'relative', 'toNamespacedPath', 'dirname', 'basename',
    'extname', 'format', 'parse', 'matchesGlob'];
  for (let i = 0; i < names.length; i++) win32[names[i]] = node_notImplemented(`path.win32.${names[i]}`);
  posix.posix = posix;
  posix.win32 = win32;
  win32.posix = posix;
  win32.win32 = win32;
  return posix;
});
node_define('path/posix', () => node_require('path'));
node_define('path/win32', () => node_require('path').win32);
