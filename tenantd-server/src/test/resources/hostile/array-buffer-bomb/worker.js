export default { fetch() {
  const kept = [];
  for (let i = 0; i < 3; i++) kept.push(new Uint8Array(1 << 30).fill(1));
  return new Response('kept ' + kept.length);
} };
