// A service-worker-syntax user worker, the shape the launch API accepted as a raw upload.
addEventListener('fetch', (event) => {
  event.respondWith(new Response(`Hello from ${new URL(event.request.url).hostname}!\n`));
});
