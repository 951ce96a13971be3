package dev.sandbox.infra.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * HTTP as bytes on a socket to the application under test, for the requests well-behaved clients
 * refuse to send: dot segments left as they are, conflicting framing headers, oversized heads, a
 * lying Content-Length, a stalled body.
 */
public final class RawHttp {

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

    private RawHttp() {
    }

    /** The port of the application under test ({@code quarkus.http.test-port}). */
    public static int testPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    public static Socket connect() throws IOException {
        return new Socket("127.0.0.1", testPort());
    }

    /** Sends {@code request} as is and returns everything the server answers until it closes or goes quiet for 2 s. */
    public static String exchange(String request) {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static String exchange(byte[] request) {
        try (var socket = connect()) {
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

    /** Sends {@code request} (UTF-8) and returns the first answer (a head and a JSON body), or what arrived within {@code wait}. */
    public static String exchange(String request, Duration wait) throws IOException {
        try (var socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return read(socket, wait);
        }
    }

    /** Reads the first answer (a head and a JSON body) on {@code socket}, or what arrives within {@code wait}. */
    public static String read(Socket socket, Duration wait) throws IOException {
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
        } catch (SocketTimeoutException e) {
            // whatever arrived is the answer
        }
        return answer.toString();
    }

    /** The status codes of every response in {@code answer}, in order. */
    public static List<Integer> statuses(String answer) {
        var statuses = new ArrayList<Integer>();
        var matcher = STATUS.matcher(answer);
        while (matcher.find()) {
            statuses.add(Integer.parseInt(matcher.group(1)));
        }
        return statuses;
    }
}
