// (a) hello world: the smallest useful worker, identical for tenantd and workerd.
export default {
  fetch() {
    return new Response('Hello World');
  },
};
