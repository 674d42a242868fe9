package dev.tenantd.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A tenantd started as a process of its own, with the ports it printed once it was serving. */
record ServerProcess(Process process, int workerPort, int apiPort) {
    private static final Pattern PORT = Pattern.compile("(workers|API):\\s+http://127\\.0\\.0\\.1:(\\d+)");

    /** Reads {@code process}'s standard output until both ports are printed. */
    static ServerProcess serving(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int worker = 0;
        int api = 0;
        while (worker == 0 || api == 0) {
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("tenantd exited before it was serving");
            }
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                if (m.group(1).equals("workers")) {
                    worker = Integer.parseInt(m.group(2));
                } else {
                    api = Integer.parseInt(m.group(2));
                }
            }
        }
        return new ServerProcess(process, worker, api);
    }
}
