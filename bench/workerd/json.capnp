# (c) workerd: a worker that parses, changes and returns ~1 KB of JSON.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "json", worker = .jsonWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "json") ],
);

const jsonWorker :Workerd.Worker = (
  compatibilityDate = "2025-01-01",
  modules = [ (name = "json.js", esModule = embed "../workers/json.js") ],
);
