package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Catalogue.TARGET_HOST;
import static dev.cloudsqlguard.config.Catalogue.TARGET_INSTANCE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_PORT;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SOCKET;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SOCKET_DIR;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one target is: exactly one of an instance connection name (its socket under the socket
 * directory), a socket file, or a TCP host and port; the Unix socket path length limit; and the
 * name a target gets by default (the instance, the socket path, or {@code host:port}).
 */
final class EndpointParser {

    /** Longest Unix socket path Linux accepts ({@code sun_path} is 108 bytes with the NUL). */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Pattern SOCKET_FILE = Pattern.compile("\\.s\\.PGSQL\\.(\\d{1,5})");
    /** PROJECT:REGION:INSTANCE, where PROJECT may itself be domain-scoped (example.com:project). */
    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9][a-z0-9.\\-]*(:[a-z0-9][a-z0-9.\\-]*){2,3}");
    /** A host name or IPv4 address, an IPv6 literal in brackets, or a bare IPv6 literal (checked by {@link #isIpv6Literal}). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]+");

    private final TargetValues t;

    EndpointParser(TargetValues t) {
        this.t = t;
    }

    /** The endpoint, or an endpoint of null when a problem was recorded. */
    Resolved parse() {
        Optional<String> instance = t.text(TARGET_INSTANCE);
        Optional<String> socket = t.text(TARGET_SOCKET);
        Optional<String> host = t.text(TARGET_HOST);
        List<String> forms = new ArrayList<>();
        instance.ifPresent(x -> forms.add(t.key(TARGET_INSTANCE)));
        socket.ifPresent(x -> forms.add(t.key(TARGET_SOCKET)));
        host.ifPresent(x -> forms.add(t.key(TARGET_HOST)));
        if (forms.isEmpty()) {
            t.problem(TARGET_INSTANCE, "no database target: set exactly one of " + t.key(TARGET_INSTANCE)
                    + " (PROJECT:REGION:INSTANCE), " + t.key(TARGET_SOCKET) + " (a socket file) or " + t.key(TARGET_HOST)
                    + " (TCP)");
            return new Resolved(null, null);
        }
        if (forms.size() > 1) {
            t.problem(forms.get(1).equals(t.key(TARGET_SOCKET)) ? TARGET_SOCKET : TARGET_HOST, "conflicts with "
                    + forms.get(0) + ": set exactly one of " + t.key(TARGET_INSTANCE) + ", " + t.key(TARGET_SOCKET)
                    + " or " + t.key(TARGET_HOST));
            return new Resolved(null, null);
        }
        if (instance.isPresent()) {
            return instance(instance.get());
        }
        return socket.isPresent() ? socket() : host(host.get());
    }

    /** The endpoint (null when it could not be built) and the name a target gets by default. */
    record Resolved(Endpoint endpoint, String defaultName) {
    }

    private Resolved instance(String name) {
        Optional<Integer> port = t.value(TARGET_PORT);
        Endpoint endpoint = null;
        if (!INSTANCE.matcher(name).matches()) {
            t.problem(TARGET_INSTANCE, "'" + name + "' is not a Cloud SQL instance connection name "
                    + "(expected PROJECT:REGION:INSTANCE, lower case, e.g. my-project:europe-west1:main-db)");
        } else {
            Optional<Path> dir = t.value(TARGET_SOCKET_DIR);
            if (dir.isPresent() && port.isPresent()) {
                Path file = dir.get().resolve(name).resolve(".s.PGSQL." + port.get());
                if (socketPathFits(TARGET_INSTANCE, file, "shorten " + t.key(TARGET_SOCKET_DIR) + " or use " + t.key(TARGET_SOCKET))) {
                    endpoint = new Endpoint.UnixSocket(file, port.get());
                }
            }
        }
        return new Resolved(endpoint, name);
    }

    private Resolved socket() {
        Optional<Path> file = t.value(TARGET_SOCKET);
        if (file.isEmpty()) {
            return new Resolved(null, null);
        }
        Path fileName = file.get().getFileName();
        Matcher m = fileName == null ? null : SOCKET_FILE.matcher(fileName.toString());
        if (m == null || !m.matches()) {
            t.problem(TARGET_SOCKET, "'" + file.get() + "' must name a PostgreSQL socket file "
                    + "called .s.PGSQL.<port>, e.g. /cloudsql/PROJECT:REGION:INSTANCE/.s.PGSQL.5432");
            return new Resolved(null, null);
        }
        Endpoint endpoint = null;
        int port = Integer.parseInt(m.group(1));
        if (port < 1 || port > 65535) {
            t.problem(TARGET_SOCKET, "port " + port + " in the socket file name is out of range 1-65535");
        } else if (!portContradicts(port) && socketPathFits(TARGET_SOCKET, file.get(), "use a shorter path")) {
            endpoint = new Endpoint.UnixSocket(file.get(), port);
        }
        Path dir = file.get().getParent();
        Path dirName = dir == null ? null : dir.getFileName();
        String defaultName = dirName != null && INSTANCE.matcher(dirName.toString()).matches()
                ? dirName.toString() : file.get().toString();
        return new Resolved(endpoint, defaultName);
    }

    /**
     * True when the port is set explicitly and says another number than the socket file name (a
     * problem is then recorded). An invalid port is the port's own problem, not a contradiction.
     */
    private boolean portContradicts(int socketPort) {
        if (!t.isSet(TARGET_PORT)) {
            return false;
        }
        Optional<Integer> port = t.value(TARGET_PORT);
        if (port.isEmpty()) {
            return false;
        }
        if (port.get() != socketPort) {
            t.problem(TARGET_PORT, "is " + port.get() + " but the socket file name says " + socketPort
                    + "; leave " + t.key(TARGET_PORT) + " unset with " + t.key(TARGET_SOCKET));
            return true;
        }
        return false;
    }

    private Resolved host(String host) {
        Optional<Integer> port = t.value(TARGET_PORT);
        Endpoint endpoint = null;
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!HOST.matcher(host).matches() || bare.contains(":") && !isIpv6Literal(bare)) {
            t.problem(TARGET_HOST, "'" + host + "' is not a host name or IP address");
        } else if (port.isPresent()) {
            endpoint = new Endpoint.Tcp(bare, port.get());
        }
        return new Resolved(endpoint, host + ":" + port.map(String::valueOf).orElse("?"));
    }

    /** True for a syntactically valid IPv6 address (no name lookup: java.net.URI checks the literal). */
    private static boolean isIpv6Literal(String text) {
        try {
            return new URI("tcp://[" + text + "]").getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private boolean socketPathFits(Property<?> property, Path file, String advice) {
        int bytes = file.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            t.problem(property, "the socket path " + file + " is " + bytes + " bytes, over the "
                    + MAX_SOCKET_PATH_BYTES + "-byte limit of a Unix socket path (" + advice + ")");
            return false;
        }
        return true;
    }

}
