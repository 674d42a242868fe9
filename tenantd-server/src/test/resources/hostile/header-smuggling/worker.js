// Headers refuses CR and LF in a value; a worker that changes the string and
// regular-expression built-ins the check could use must still not get a line break
// onto the wire (response splitting), and the client must still get an answer.
const charCodeAt = String.prototype.charCodeAt;
const exec = RegExp.prototype.exec;
function blank(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) out += s[i] === '\r' || s[i] === '\n' || s[i] === '\0' ? ' ' : s[i];
  return out;
}
String.prototype.charCodeAt = function (i) {
  const c = charCodeAt.call(this, i);
  return c === 10 || c === 13 || c === 0 ? 0x20 : c;
};
RegExp.prototype.exec = function (s) {
  return exec.call(this, blank(String(s)));
};
export default { async fetch() {
  return new Response('ok', { statusText: 'OK\r\nx-evil-status: 1', headers: { 'x-a': 'b\r\nx-evil: 1' } });
} };
