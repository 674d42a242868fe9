export default { fetch() {
  let s = 'x';
  for (let i = 0; i < 28; i++) s += s;
  return new Response(String(s.indexOf('y')));
} };
