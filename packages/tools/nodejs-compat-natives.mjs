// Prints what wrangler's bundler leaves to the runtime under nodejs_compat for a compatibility
// date and flags: the node:* modules it keeps as imports (the runtime must provide them), the
// ones it replaces with its own polyfills, and the globals it injects. It asks the
// @cloudflare/unenv-preset that wrangler 4.86.0 bundles with, so the answer is wrangler's own.
// A node:* module in neither list is replaced whole by unenv's polyfill (often "not implemented").
//   node packages/tools/nodejs-compat-natives.mjs 2025-09-01 [flag ...]
import { getCloudflarePreset } from '@cloudflare/unenv-preset';

const [date = '2025-09-01', ...flags] = process.argv.slice(2);
const preset = getCloudflarePreset({ compatibilityDate: date, compatibilityFlags: ['nodejs_compat', ...flags] });
const natives = preset.external.filter((m) => m.startsWith('node:')).map((m) => m.slice(5)).sort();
const polyfilled = Object.entries(preset.alias).filter(([k, v]) => k.startsWith('node:') && v !== k).map(([k]) => k.slice(5)).sort();
const injected = Object.entries(preset.inject).filter(([, v]) => v !== false).map(([k, v]) => `${k} <- ${Array.isArray(v) ? v.join('#') : v}`);
const native = Object.entries(preset.inject).filter(([, v]) => v === false).map(([k]) => k);
console.log(`compatibility_date ${date}, flags nodejs_compat${flags.length ? ' ' + flags.join(' ') : ''}`);
console.log(`\nkept as imports (${natives.length}): ${natives.join(' ')}`);
console.log(`\nhybrid (the bundle's polyfill over the runtime's globals): ${polyfilled.join(' ') || 'none'}`);
console.log(`\nglobals the runtime must have: ${native.join(' ')}`);
console.log(`globals the bundle injects: ${injected.join(', ') || 'none'}`);
console.log(`polyfill modules run first: ${preset.polyfill.join(' ') || 'none'}`);
