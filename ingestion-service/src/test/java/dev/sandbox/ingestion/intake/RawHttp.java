package dev.sandbox.ingestion.intake;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;

/** HTTP as bytes on a socket, for what HTTP clients will not send: a lying Content-Length, a stalled body. */
final class RawHttp {

    private RawHttp() {
    }

    static Socket connect() throws IOException {
        var port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return new Socket("localhost", port);
    }

    /** Sends {@code request} and returns what the server answers within {@code wait} (until it closes or the wait ends). */
    static String exchange(String request, Duration wait) throws IOException {
        try (var socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return read(socket, wait);
        }
    }

    static String read(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (answer.indexOf("\r\n\r\n") > 0 && answer.toString().contains("}")) {
                    break;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            // whatever arrived is the answer
        }
        return answer.toString();
    }
}
