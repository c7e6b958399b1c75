package io.nograd.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for requests java.net.http will not send: a forged Host header, a body
 * that stops half-way, a request line with raw path tricks. Reads the status line and the body up to a
 * bound; the connection is closed after each request.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** A response: its status (0 when the server closed the connection without one) and its head and body as text. */
    public record Response(int status, String text) {
    }

    /** Sends {@code head} (request line and headers, CRLF-terminated, without the blank line) and {@code body}. */
    public static Response send(int port, String head, byte[] body, int readTimeoutMs) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(readTimeoutMs);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) out.write(body);
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** The response on {@code in}, up to 64 KiB of it. */
    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            int n;
            while (buf.size() < 65536 && (n = in.read(chunk)) > 0) {
                buf.write(chunk, 0, n);
                String text = buf.toString(StandardCharsets.ISO_8859_1);
                if (complete(text)) break;
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // what was read so far is the answer (or there is none: status 0)
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        int status = 0;
        if (text.startsWith("HTTP/1.1 ") && text.length() >= 12) status = Integer.parseInt(text.substring(9, 12));
        return new Response(status, text);
    }

    /** A response with Content-Length whose body has arrived, or a chunked one that has ended. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) return false;
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int cl = head.indexOf("content-length:");
        if (cl >= 0) {
            int eol = head.indexOf("\r\n", cl);
            long len = Long.parseLong(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
            return text.length() - end - 4 >= len;
        }
        if (head.contains("transfer-encoding: chunked")) return text.endsWith("0\r\n\r\n");
        return false;
    }

    /** A complete request head for {@code method path} with the given Host and extra header lines. */
    public static String head(String method, String path, String host, String... headers) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (host != null) sb.append("Host: ").append(host).append("\r\n");
        for (String h : headers) sb.append(h).append("\r\n");
        sb.append("Connection: close\r\n");
        return sb.toString();
    }
}
