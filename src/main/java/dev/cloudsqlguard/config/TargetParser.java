package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Catalogue.TARGET_DATABASE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_HOST;
import static dev.cloudsqlguard.config.Catalogue.TARGET_INSTANCE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_NAME;
import static dev.cloudsqlguard.config.Catalogue.TARGET_PASSWORD;
import static dev.cloudsqlguard.config.Catalogue.TARGET_PASSWORD_FILE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_PORT;
import static dev.cloudsqlguard.config.Catalogue.TARGET_REQUIRE_PRIMARY;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SOCKET;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SOCKET_DIR;
import static dev.cloudsqlguard.config.Catalogue.TARGET_USER;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one target's properties into {@link TargetSettings}: exactly one endpoint form
 * (instance, socket file or host), the socket path length limit, credentials and the
 * rules between them. Every key, in lookups and in messages, comes from the catalogue through
 * {@code keys}, so a named target only needs another key function.
 */
final class TargetParser {

    /** Longest Unix socket path Linux accepts ({@code sun_path} is 108 bytes with the NUL). */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Pattern SOCKET_FILE = Pattern.compile("\\.s\\.PGSQL\\.(\\d{1,5})");
    /** PROJECT:REGION:INSTANCE, where PROJECT may itself be domain-scoped (example.com:project). */
    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9][a-z0-9.\\-]*(:[a-z0-9][a-z0-9.\\-]*){2,3}");
    /** A host name or IPv4 address, an IPv6 literal in brackets, or a bare IPv6 literal (checked by {@link #isIpv6Literal}). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]+");

    private final ConfigValues values;
    private final SettingsParser.FileReader files;
    private final Function<Property<?>, String> keys;

    /**
     * @param keys the key of each target-scoped property for this target ({@link Property#key()}
     *             for the single {@code guard.target.*} target)
     */
    TargetParser(ConfigValues values, SettingsParser.FileReader files, Function<Property<?>, String> keys) {
        this.values = values;
        this.files = files;
        this.keys = keys;
    }

    TargetSettings parse() {
        Optional<String> instance = text(TARGET_INSTANCE);
        Optional<String> socket = text(TARGET_SOCKET);
        Optional<String> host = text(TARGET_HOST);
        List<String> forms = new ArrayList<>();
        instance.ifPresent(x -> forms.add(key(TARGET_INSTANCE)));
        socket.ifPresent(x -> forms.add(key(TARGET_SOCKET)));
        host.ifPresent(x -> forms.add(key(TARGET_HOST)));
        Resolved resolved = new Resolved(null, null);
        if (forms.isEmpty()) {
            problem(TARGET_INSTANCE, "no database target: set exactly one of " + key(TARGET_INSTANCE)
                    + " (PROJECT:REGION:INSTANCE), " + key(TARGET_SOCKET) + " (a socket file) or " + key(TARGET_HOST) + " (TCP)");
        } else if (forms.size() > 1) {
            values.problem(forms.get(1), "conflicts with " + forms.get(0) + ": set exactly one of " + key(TARGET_INSTANCE)
                    + ", " + key(TARGET_SOCKET) + " or " + key(TARGET_HOST));
        } else if (instance.isPresent()) {
            resolved = instance(instance.get());
        } else if (socket.isPresent()) {
            resolved = socket();
        } else {
            resolved = host(host.get());
        }
        String database = valueOrDefault(TARGET_DATABASE);
        Optional<String> user = value(TARGET_USER);
        Optional<PasswordSource> password = password(user);
        boolean requirePrimary = valueOrDefault(TARGET_REQUIRE_PRIMARY);
        if (requirePrimary && user.isEmpty()) {
            problem(TARGET_REQUIRE_PRIMARY, "needs " + key(TARGET_USER)
                    + ": only the query stage can tell a primary from a replica");
        }
        String name = value(TARGET_NAME).orElse(resolved.defaultName == null ? "target" : resolved.defaultName);
        if (name.length() > 128 || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            problem(TARGET_NAME, "must be at most 128 printable ASCII characters");
        }
        return new TargetSettings(name, resolved.endpoint, database, user, password, requirePrimary);
    }

    /** The endpoint (null when it could not be built) and the name a target gets by default. */
    private record Resolved(Endpoint endpoint, String defaultName) {
    }

    private Resolved instance(String name) {
        Optional<Integer> port = value(TARGET_PORT);
        Endpoint endpoint = null;
        if (!INSTANCE.matcher(name).matches()) {
            problem(TARGET_INSTANCE, "'" + name + "' is not a Cloud SQL instance connection name "
                    + "(expected PROJECT:REGION:INSTANCE, lower case, e.g. my-project:europe-west1:main-db)");
        } else {
            Optional<Path> dir = value(TARGET_SOCKET_DIR);
            if (dir.isPresent() && port.isPresent()) {
                Path file = dir.get().resolve(name).resolve(".s.PGSQL." + port.get());
                if (socketPathFits(TARGET_INSTANCE, file, "shorten " + key(TARGET_SOCKET_DIR) + " or use " + key(TARGET_SOCKET))) {
                    endpoint = new Endpoint.UnixSocket(file, port.get());
                }
            }
        }
        return new Resolved(endpoint, name);
    }

    private Resolved socket() {
        Optional<Path> file = value(TARGET_SOCKET);
        if (file.isEmpty()) {
            return new Resolved(null, null);
        }
        Path fileName = file.get().getFileName();
        Matcher m = fileName == null ? null : SOCKET_FILE.matcher(fileName.toString());
        if (m == null || !m.matches()) {
            problem(TARGET_SOCKET, "'" + file.get() + "' must name a PostgreSQL socket file "
                    + "called .s.PGSQL.<port>, e.g. /cloudsql/PROJECT:REGION:INSTANCE/.s.PGSQL.5432");
            return new Resolved(null, null);
        }
        Endpoint endpoint = null;
        int port = Integer.parseInt(m.group(1));
        if (port < 1 || port > 65535) {
            problem(TARGET_SOCKET, "port " + port + " in the socket file name is out of range 1-65535");
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
        if (!values.isSet(key(TARGET_PORT))) {
            return false;
        }
        Optional<Integer> port = value(TARGET_PORT);
        if (port.isEmpty()) {
            return false;
        }
        if (port.get() != socketPort) {
            problem(TARGET_PORT, "is " + port.get() + " but the socket file name says " + socketPort
                    + "; leave " + key(TARGET_PORT) + " unset with " + key(TARGET_SOCKET));
            return true;
        }
        return false;
    }

    private Resolved host(String host) {
        Optional<Integer> port = value(TARGET_PORT);
        Endpoint endpoint = null;
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!HOST.matcher(host).matches() || bare.contains(":") && !isIpv6Literal(bare)) {
            problem(TARGET_HOST, "'" + host + "' is not a host name or IP address");
        } else if (port.isPresent()) {
            endpoint = new Endpoint.Tcp(bare, port.get());
        }
        return new Resolved(endpoint, host + ":" + port.map(String::valueOf).orElse("?"));
    }

    private Optional<PasswordSource> password(Optional<String> user) {
        Optional<Secret> password = value(TARGET_PASSWORD);
        boolean passwordFile = text(TARGET_PASSWORD_FILE).isPresent();
        if (password.isPresent() && passwordFile) {
            problem(TARGET_PASSWORD_FILE, "conflicts with " + key(TARGET_PASSWORD) + ": set only one of them");
        } else if ((password.isPresent() || passwordFile) && user.isEmpty()) {
            problem(password.isPresent() ? TARGET_PASSWORD : TARGET_PASSWORD_FILE, "has no effect without " + key(TARGET_USER));
        } else if (password.isPresent()) {
            return Optional.of(PasswordSource.literal(password.get().reveal()));
        } else if (passwordFile) {
            Optional<Path> path = value(TARGET_PASSWORD_FILE);
            if (path.isPresent()) {
                try {
                    files.read(path.get());
                    return Optional.of(PasswordSource.file(path.get()));
                } catch (IOException | RuntimeException e) {
                    problem(TARGET_PASSWORD_FILE, "cannot read " + path.get() + " (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
        return Optional.empty();
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
            problem(property, "the socket path " + file + " is " + bytes + " bytes, over the "
                    + MAX_SOCKET_PATH_BYTES + "-byte limit of a Unix socket path (" + advice + ")");
            return false;
        }
        return true;
    }

    // ---- this target's keys -------------------------------------------------------------

    private String key(Property<?> property) {
        return keys.apply(property);
    }

    private <T> Optional<T> value(Property<T> property) {
        return values.value(property, key(property));
    }

    private <T> T valueOrDefault(Property<T> property) {
        return values.valueOrDefault(property, key(property));
    }

    private Optional<String> text(Property<?> property) {
        return values.text(property, key(property));
    }

    private void problem(Property<?> property, String message) {
        values.problem(key(property), message);
    }
}
