// (c) parse about 1 KB of JSON from the request, change it, send it back.
export default {
  async fetch(request) {
    const doc = await request.json();
    doc.visits = (doc.visits ?? 0) + 1;
    doc.user.name = doc.user.name.toUpperCase();
    doc.items = doc.items.map((item) => ({ ...item, total: item.price * item.qty }));
    doc.tags.reverse();
    return Response.json(doc);
  },
};
