// Reading wrk's report: requests per second, latency percentiles (--latency), errors.

function parseDuration(s) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s.trim());
  if (!m) return NaN;
  return Math.round(Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]] * 1000) / 1000;
}

// {rps, requests, p50, p99 (ms), non2xx, socketErrors, socketErrorKinds}; socketErrorKinds
// splits wrk's socket errors into connect, read, write and timeout. A run that served nothing
// counts as a socket error, so that it can never pass as a measurement.
export function parseWrk(out) {
  const num = (re) => { const m = re.exec(out); return m ? Number(m[1]) : 0; };
  const lat = (p) => { const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out); return m ? parseDuration(m[1]) : NaN; };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const r = {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    p50: lat(50), p99: lat(99),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
    socketErrors: sock ? sock.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0,
    socketErrorKinds: sock ? { connect: Number(sock[1]), read: Number(sock[2]), write: Number(sock[3]), timeout: Number(sock[4]) }
      : { connect: 0, read: 0, write: 0, timeout: 0 },
  };
  if (r.requests === 0 || !(r.rps > 0)) r.socketErrors += 1;
  return r;
}
