# (a) workerd: one hello-world worker. The socket address is set by run.sh with
# --socket-addr http=127.0.0.1:PORT (loopback only).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "hello", worker = .helloWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "hello") ],
);

const helloWorker :Workerd.Worker = (
  compatibilityDate = "2025-01-01",
  modules = [ (name = "hello.js", esModule = embed "../workers/hello.js") ],
);
