// Throughput: a 16 KiB text answer compressed with CompressionStream('gzip') on each request.
const text = Array.from({ length: 512 }, (_, i) => `row ${String(i).padStart(4, '0')}: the quick brown fox\n`).join('');
const bytes = new TextEncoder().encode(text.padEnd(16384, '.'));

export default {
  fetch() {
    const body = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Response(body, { headers: { 'content-type': 'application/gzip' } });
  },
};
