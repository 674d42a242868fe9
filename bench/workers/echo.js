// A user worker that answers with the request's own body, as it arrives.
export default {
  fetch(request) {
    return new Response(request.body, { headers: { 'content-type': 'application/octet-stream' } });
  },
};
