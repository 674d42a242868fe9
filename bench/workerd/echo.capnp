# Streaming: dispatcher -> echo user worker through a service binding (bench/stream.mjs).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "dispatcher", worker = .dispatcherWorker),
    (name = "user", worker = .userWorker),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "dispatcher") ],
);

const dispatcherWorker :Workerd.Worker = (
  compatibilityDate = "2025-01-01",
  modules = [ (name = "dispatcher.js", esModule = embed "../workers/dispatcher-workerd.js") ],
  bindings = [ (name = "USER", service = "user") ],
);

const userWorker :Workerd.Worker = (
  compatibilityDate = "2025-01-01",
  modules = [ (name = "echo.js", esModule = embed "../workers/echo.js") ],
);
