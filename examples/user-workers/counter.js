// Module state lives as long as the isolate: a per-isolate request counter.
let served = 0;
export default {
  fetch() {
    served += 1;
    return new Response(`This isolate has served ${served} request(s).\n`);
  },
};
