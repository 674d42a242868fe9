# Runtime operations: one worker answering bench/ops.mjs.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "ops", worker = .opsWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "ops") ],
);

const opsWorker :Workerd.Worker = (
  compatibilityDate = "2025-01-01",
  modules = [ (name = "ops.js", esModule = embed "../workers/ops.js") ],
);
