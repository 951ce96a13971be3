package dev.sandbox.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Bytes on a socket, for the requests well-behaved clients refuse to send: dot segments left as
 * they are, conflicting framing headers, oversized heads.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The gateway under test's port. */
    public static int gatewayPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    /** Sends {@code request} as is and returns everything the server answers until it closes or goes quiet for 2 s. */
    public static String exchange(String request) {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static String exchange(byte[] request) {
        try (var socket = new Socket("127.0.0.1", gatewayPort())) {
            socket.setSoTimeout(2000);
            var out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException refusedMidWay) {
                // The server may answer and close before reading everything: read what it said.
            }
            var answer = new ByteArrayOutputStream();
            var in = socket.getInputStream();
            var buffer = new byte[8192];
            try {
                for (int read; (read = in.read(buffer)) != -1;) {
                    answer.write(buffer, 0, read);
                }
            } catch (SocketTimeoutException quiet) {
                // keep-alive: the server keeps the connection open after answering
            } catch (IOException reset) {
                // closed with a reset after the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status codes of every response in {@code answer}, in order. */
    public static java.util.List<Integer> statuses(String answer) {
        var statuses = new java.util.ArrayList<Integer>();
        var matcher = java.util.regex.Pattern.compile("HTTP/1\\.[01] (\\d{3})").matcher(answer);
        while (matcher.find()) {
            statuses.add(Integer.parseInt(matcher.group(1)));
        }
        return statuses;
    }
}
