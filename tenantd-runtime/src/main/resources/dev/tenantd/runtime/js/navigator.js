// navigator as Workers have it: who is running the code, and one thread for it.
class Navigator {
  constructor(key) {
    if (key !== navigator_key) throw new TypeError('Illegal constructor');
  }

  get userAgent() {
    return 'Cloudflare-Workers';
  }

  get hardwareConcurrency() {
    return 1;
  }
}
webIdlClass(Navigator);
const navigator_key = Symbol('Navigator');
defineGlobal('navigator', new Navigator(navigator_key));
defineGlobal('Navigator', Navigator);
