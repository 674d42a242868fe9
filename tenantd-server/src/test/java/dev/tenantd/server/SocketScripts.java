package dev.tenantd.server;

/** JavaScript for test workers whose WebSockets talk to each other with nobody else sending anything. */
final class SocketScripts {
    private SocketScripts() {
    }

    /**
     * {@code echoEnd()}: the response that hands out one end of a new pair while the other stays
     * and sends back whatever comes; {@code talkBack(ws)}: accepts {@code ws}, answers each of its
     * messages, sends the first, and resolves with {@code 'closed with CODE'} when it closes.
     */
    static final String TALKING = """
            const echoEnd = () => {
              const [mine, theirs] = Object.values(new WebSocketPair());
              mine.accept();
              mine.addEventListener('message', (event) => mine.send(event.data));
              return new Response(null, { status: 101, webSocket: theirs });
            };
            const talkBack = async (ws) => {
              ws.accept();
              const closed = new Promise((resolve) => ws.addEventListener('close', (event) => resolve(event.code)));
              ws.addEventListener('message', (event) => ws.send(event.data));
              ws.send('ping');
              return 'closed with ' + await closed;
            };
            """;
}
