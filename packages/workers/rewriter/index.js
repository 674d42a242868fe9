// HTMLRewriter: every link of a page streamed from the origin is pointed at the CDN; the page is
// never held whole (the origin sends 10 MB). /plain passes the page through untouched.
export default {
  async fetch(request, env) {
    const upstream = await fetch(`${env.ORIGIN}/page`);
    // The page as it comes, for telling a fetch() that buffers from a rewriter that does.
    if (new URL(request.url).pathname === '/plain') return new Response(upstream.body, upstream);
    let links = 0;
    return new HTMLRewriter()
      .on('a[href^="/"]', {
        element(el) {
          links++;
          el.setAttribute('href', `https://cdn.example${el.getAttribute('href')}`);
        },
      })
      .on('title', { text(t) { if (t.text) t.replace(t.text.toUpperCase()); } })
      .onDocument({ end(end) { end.append(`<!-- ${links} links -->`, { html: true }); } })
      .transform(upstream);
  },
};
