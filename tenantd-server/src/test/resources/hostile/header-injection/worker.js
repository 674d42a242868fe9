// Response headers cross into Java as one string; a worker that changes how its own
// arrays join or its strings split must not add a header of its own making.
const join = Array.prototype.join;
const split = String.prototype.split;
Array.prototype.join = function (separator) {
  const joined = join.call(this, separator);
  return separator === '\0' ? joined + '\0x-injected\0yes' : joined;
};
String.prototype.split = function (separator, limit) {
  const parts = split.call(this, separator, limit);
  if (separator === '\0') parts.push('x-injected-in', 'yes');
  return parts;
};
export default { async fetch() { return new Response('ok', { headers: { 'x-set': 'mine' } }); } };
