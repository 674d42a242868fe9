# Cold start and density: a front worker with a Worker Loader binding that
# starts dynamic workers on first use. Needs `workerd serve --experimental`.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "loader", worker = .loaderWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "loader") ],
);

const loaderWorker :Workerd.Worker = (
  compatibilityDate = "2025-01-01",
  modules = [
    (name = "loader.js", esModule = embed "../workers/loader-workerd.js"),
    (name = "scripts-shared.js", esModule = embed "../lib/scripts.mjs"),
  ],
  bindings = [ (name = "LOADER", workerLoader = ()) ],
);
