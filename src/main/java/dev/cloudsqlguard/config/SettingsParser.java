package dev.cloudsqlguard.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns raw {@code guard.*} properties into {@link GuardSettings}, or explains every mistake at
 * once, each tied to its property. Pure apart from checking a password file is readable, which
 * goes through an injectable reader. The defaults documented in the README live here, and only here.
 */
public final class SettingsParser {

    /** Longest Unix socket path Linux accepts ({@code sun_path} is 108 bytes with the NUL). */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Pattern SOCKET_FILE = Pattern.compile("\\.s\\.PGSQL\\.(\\d{1,5})");
    /** PROJECT:REGION:INSTANCE, where PROJECT may itself be domain-scoped (example.com:project). */
    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9][a-z0-9.\\-]*(:[a-z0-9][a-z0-9.\\-]*){2,3}");
    /** A host name or IPv4 address, an IPv6 literal in brackets, or a bare IPv6 literal (checked by {@link #isIpv6Literal}). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]+");

    /** Every property the guard knows, with its default (null: no default). Order = README order. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("guard.target.name", null);
        d.put("guard.target.instance", null);
        d.put("guard.target.socket-dir", "/cloudsql");
        d.put("guard.target.socket", null);
        d.put("guard.target.host", null);
        d.put("guard.target.port", "5432");
        d.put("guard.target.database", "postgres");
        d.put("guard.target.user", null);
        d.put("guard.target.password", null);
        d.put("guard.target.password-file", null);
        d.put("guard.target.require-primary", "false");
        d.put("guard.probe.interval", "2s");
        d.put("guard.probe.timeout", "1s");
        d.put("guard.probe.startup-interval", "100ms");
        d.put("guard.probe.slow-threshold", "500ms");
        d.put("guard.probe.query", "SELECT 1");
        d.put("guard.probe.session-max-age", "10m");
        d.put("guard.circuit.window-size", "4");
        d.put("guard.circuit.minimum-probes", "4");
        d.put("guard.circuit.failure-rate-threshold", "50");
        d.put("guard.circuit.slow-rate-threshold", "75");
        d.put("guard.circuit.open-wait", "5s");
        d.put("guard.circuit.open-wait-spread", "0.5");
        d.put("guard.circuit.half-open-probes", "2");
        d.put("guard.circuit.recheck-interval", "250ms");
        d.put("guard.signal.state-file", null);
        d.put("guard.signal.sse-keep-alive", "15s");
        d.put("guard.signal.webhook.urls", null);
        d.put("guard.signal.webhook.secret", null);
        d.put("guard.signal.webhook.timeout", "2s");
        d.put("guard.signal.webhook.max-attempts", "5");
        d.put("guard.signal.webhook.backoff", "500ms");
        d.put("guard.signal.webhook.queue-size", "256");
        d.put("guard.admin.enabled", "false");
        d.put("guard.admin.token", null);
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Properties whose values are secrets: never echoed in messages. */
    public static final Set<String> SECRET_PROPERTIES = Set.of(
            "guard.target.password", "guard.signal.webhook.secret", "guard.admin.token");

    /** Reads a file's text; injectable so tests need no files. */
    @FunctionalInterface
    public interface FileReader {
        String read(Path path) throws IOException;
    }

    private final FileReader files;

    public SettingsParser() {
        this(path -> Files.readString(path, StandardCharsets.UTF_8));
    }

    public SettingsParser(FileReader files) {
        this.files = files;
    }

    /**
     * Parses the given raw values (absent keys take their defaults).
     *
     * @throws InvalidConfigException listing every problem found
     */
    public GuardSettings parse(Map<String, String> raw) {
        Values v = new Values(raw);
        TargetSettings target = target(v);
        ProbeSettings probe = probe(v);
        CircuitSettings circuit = circuit(v);
        SignalSettings signal = signal(v);
        AdminSettings admin = admin(v);
        if (!v.problems.isEmpty()) {
            throw new InvalidConfigException(v.problems);
        }
        return new GuardSettings(target, probe, circuit, signal, admin);
    }

    /**
     * Names of given properties that the guard does not know, for a startup warning (typos).
     * Environment-variable spellings ({@code GUARD_PROBE_INTERVAL}) are compared in that form.
     */
    public static List<String> unknownProperties(Iterable<String> names) {
        Set<String> known = new java.util.HashSet<>();
        for (String key : DEFAULTS.keySet()) {
            known.add(key);
            known.add(envName(key));
        }
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            boolean ours = name.startsWith("guard.") || name.startsWith("GUARD_");
            if (ours && !known.contains(name) && !known.contains(envName(name))) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    /** The environment variable spelling of a property: {@code guard.probe.slow-threshold} → {@code GUARD_PROBE_SLOW_THRESHOLD}. */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    // ---- target -------------------------------------------------------------------------

    private TargetSettings target(Values v) {
        Optional<String> instance = v.text("guard.target.instance");
        Optional<String> socket = v.text("guard.target.socket");
        Optional<String> host = v.text("guard.target.host");
        int forms = (instance.isPresent() ? 1 : 0) + (socket.isPresent() ? 1 : 0) + (host.isPresent() ? 1 : 0);
        Endpoint endpoint = null;
        String defaultName = null;
        if (forms == 0) {
            v.problem("guard.target.instance", "no database target: set exactly one of guard.target.instance "
                    + "(PROJECT:REGION:INSTANCE), guard.target.socket (a socket file) or guard.target.host (TCP)");
        } else if (forms > 1) {
            List<String> set = new ArrayList<>();
            instance.ifPresent(x -> set.add("guard.target.instance"));
            socket.ifPresent(x -> set.add("guard.target.socket"));
            host.ifPresent(x -> set.add("guard.target.host"));
            v.problem(set.get(1), "conflicts with " + set.get(0) + ": set exactly one of guard.target.instance, "
                    + "guard.target.socket or guard.target.host");
        } else if (instance.isPresent()) {
            int port = v.port();
            String name = instance.get();
            if (!INSTANCE.matcher(name).matches()) {
                v.problem("guard.target.instance", "'" + name + "' is not a Cloud SQL instance connection name "
                        + "(expected PROJECT:REGION:INSTANCE, lower case, e.g. my-project:europe-west1:main-db)");
            } else {
                Optional<Path> dir = v.absolutePath("guard.target.socket-dir");
                if (dir.isPresent() && port > 0) {
                    Path file = dir.get().resolve(name).resolve(".s.PGSQL." + port);
                    if (socketPathFits(v, "guard.target.instance", file,
                            "shorten guard.target.socket-dir or use guard.target.socket")) {
                        endpoint = new Endpoint.UnixSocket(file, port);
                    }
                }
            }
            defaultName = name;
        } else if (socket.isPresent()) {
            Optional<Path> file = v.absolutePath("guard.target.socket");
            if (file.isPresent()) {
                Path fileName = file.get().getFileName();
                Matcher m = fileName == null ? null : SOCKET_FILE.matcher(fileName.toString());
                if (m == null || !m.matches()) {
                    v.problem("guard.target.socket", "'" + file.get() + "' must name a PostgreSQL socket file "
                            + "called .s.PGSQL.<port>, e.g. /cloudsql/PROJECT:REGION:INSTANCE/.s.PGSQL.5432");
                } else {
                    int port = Integer.parseInt(m.group(1));
                    if (port < 1 || port > 65535) {
                        v.problem("guard.target.socket", "port " + port + " in the socket file name is out of range 1-65535");
                    } else if (v.isSet("guard.target.port") && v.port() > 0 && v.port() != port) {
                        v.problem("guard.target.port", "is " + v.port() + " but the socket file name says " + port
                                + "; leave guard.target.port unset with guard.target.socket");
                    } else if (socketPathFits(v, "guard.target.socket", file.get(), "use a shorter path")) {
                        endpoint = new Endpoint.UnixSocket(file.get(), port);
                    }
                    Path dir = file.get().getParent();
                    Path dirName = dir == null ? null : dir.getFileName();
                    defaultName = dirName != null && INSTANCE.matcher(dirName.toString()).matches()
                            ? dirName.toString() : file.get().toString();
                }
            }
        } else {
            String h = host.get();
            int port = v.port();
            String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
            if (!HOST.matcher(h).matches() || bare.contains(":") && !isIpv6Literal(bare)) {
                v.problem("guard.target.host", "'" + h + "' is not a host name or IP address");
            } else if (port > 0) {
                endpoint = new Endpoint.Tcp(bare, port);
            }
            defaultName = h + ":" + port;
        }

        String database = v.text("guard.target.database").orElse("");
        if (database.isEmpty()) {
            v.problem("guard.target.database", "must not be empty");
        } else if (database.getBytes(StandardCharsets.UTF_8).length > 63) {
            v.problem("guard.target.database", "is longer than PostgreSQL's 63-byte identifier limit");
        }
        Optional<String> user = v.text("guard.target.user");
        Optional<String> password = v.raw("guard.target.password").filter(s -> !s.isEmpty());
        Optional<String> passwordFile = v.text("guard.target.password-file");
        Optional<PasswordSource> passwordSource = Optional.empty();
        if (password.isPresent() && passwordFile.isPresent()) {
            v.problem("guard.target.password-file", "conflicts with guard.target.password: set only one of them");
        } else if ((password.isPresent() || passwordFile.isPresent()) && user.isEmpty()) {
            v.problem(password.isPresent() ? "guard.target.password" : "guard.target.password-file",
                    "has no effect without guard.target.user");
        } else if (password.isPresent()) {
            passwordSource = Optional.of(PasswordSource.literal(password.get()));
        } else if (passwordFile.isPresent()) {
            Optional<Path> path = v.absolutePath("guard.target.password-file");
            if (path.isPresent()) {
                try {
                    files.read(path.get());
                    passwordSource = Optional.of(PasswordSource.file(path.get()));
                } catch (IOException | RuntimeException e) {
                    v.problem("guard.target.password-file", "cannot read " + path.get() + " ("
                            + e.getClass().getSimpleName() + ")");
                }
            }
        }
        boolean requirePrimary = v.bool("guard.target.require-primary");
        if (requirePrimary && user.isEmpty()) {
            v.problem("guard.target.require-primary", "needs guard.target.user: only the query stage can tell a primary from a replica");
        }
        String name = v.text("guard.target.name").orElse(defaultName == null ? "target" : defaultName);
        if (name.length() > 128 || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            v.problem("guard.target.name", "must be at most 128 printable ASCII characters");
        }
        return new TargetSettings(name, endpoint, database, user, passwordSource, requirePrimary);
    }

    /** True for a syntactically valid IPv6 address (no name lookup: java.net.URI checks the literal). */
    private static boolean isIpv6Literal(String text) {
        try {
            return new URI("tcp://[" + text + "]").getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean socketPathFits(Values v, String property, Path file, String advice) {
        int bytes = file.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            v.problem(property, "the socket path " + file + " is " + bytes + " bytes, over the "
                    + MAX_SOCKET_PATH_BYTES + "-byte limit of a Unix socket path (" + advice + ")");
            return false;
        }
        return true;
    }

    // ---- probe --------------------------------------------------------------------------

    private static ProbeSettings probe(Values v) {
        Duration interval = v.duration("guard.probe.interval", Duration.ofMillis(10));
        Duration timeout = v.duration("guard.probe.timeout", Duration.ofMillis(10));
        Duration startup = v.duration("guard.probe.startup-interval", Duration.ofMillis(10));
        Duration slow = v.duration("guard.probe.slow-threshold", Duration.ofMillis(1));
        String query = v.text("guard.probe.query").orElse("");
        if (query.isEmpty()) {
            v.problem("guard.probe.query", "must not be empty");
        }
        Duration maxAge = v.duration("guard.probe.session-max-age", Duration.ofSeconds(1));
        return new ProbeSettings(interval, timeout, startup, slow, query, maxAge);
    }

    // ---- circuit ------------------------------------------------------------------------

    private static CircuitSettings circuit(Values v) {
        int window = v.integer("guard.circuit.window-size", 1, 1000);
        int minimum = v.integer("guard.circuit.minimum-probes", 1, 1000);
        if (window > 0 && minimum > window) {
            v.problem("guard.circuit.minimum-probes", "is " + minimum + ", more than guard.circuit.window-size (" + window + ")");
        }
        float failure = v.percent("guard.circuit.failure-rate-threshold");
        float slowRate = v.percent("guard.circuit.slow-rate-threshold");
        Duration openWait = v.duration("guard.circuit.open-wait", Duration.ofMillis(10));
        double spread = v.decimal("guard.circuit.open-wait-spread", 0.0, 0.99);
        int halfOpen = v.integer("guard.circuit.half-open-probes", 1, 100);
        Duration recheck = v.duration("guard.circuit.recheck-interval", Duration.ofMillis(10));
        return new CircuitSettings(window, minimum, failure, slowRate, openWait, spread, halfOpen, recheck);
    }

    // ---- signals ------------------------------------------------------------------------

    private static SignalSettings signal(Values v) {
        Optional<Path> stateFile = v.text("guard.signal.state-file").isPresent()
                ? v.absolutePath("guard.signal.state-file") : Optional.empty();
        stateFile.ifPresent(p -> {
            if (p.getFileName() == null) {
                v.problem("guard.signal.state-file", "must name a file, not the root directory");
            }
        });
        Duration keepAlive = v.duration("guard.signal.sse-keep-alive", Duration.ofSeconds(1));
        List<URI> urls = new ArrayList<>();
        for (String text : v.list("guard.signal.webhook.urls")) {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                    v.problem("guard.signal.webhook.urls", "'" + redactUserInfo(text) + "' is not an http(s) URL with a host");
                } else if (uri.getUserInfo() != null) {
                    v.problem("guard.signal.webhook.urls", "'" + redactUserInfo(text)
                            + "' carries credentials in the URL; use guard.signal.webhook.secret instead");
                } else {
                    urls.add(uri);
                }
            } catch (URISyntaxException e) {
                v.problem("guard.signal.webhook.urls", "'" + redactUserInfo(text) + "' is not a valid URL");
            }
        }
        Optional<Secret> secret = v.raw("guard.signal.webhook.secret").filter(s -> !s.isEmpty()).map(Secret::new);
        if (secret.isPresent() && urls.isEmpty() && v.problems.stream().noneMatch(p -> p.property().equals("guard.signal.webhook.urls"))) {
            v.problem("guard.signal.webhook.secret", "has no effect without guard.signal.webhook.urls");
        }
        Duration timeout = v.duration("guard.signal.webhook.timeout", Duration.ofMillis(10));
        int attempts = v.integer("guard.signal.webhook.max-attempts", 1, 100);
        Duration backoff = v.duration("guard.signal.webhook.backoff", Duration.ofMillis(1));
        int queue = v.integer("guard.signal.webhook.queue-size", 1, 100_000);
        return new SignalSettings(stateFile, new WebhookSettings(urls, secret, timeout, attempts, backoff, queue), keepAlive);
    }

    /**
     * Hides any user info: everything between the scheme and the last '@', so that a password
     * typed with raw '/', '@', '?' or '#' in it is hidden too (over-hiding is harmless here).
     */
    private static String redactUserInfo(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int slashes = url.indexOf("//");
        int start = slashes >= 0 && slashes < at ? slashes + 2 : url.indexOf(':') + 1;
        return url.substring(0, start) + "****" + url.substring(at);
    }

    // ---- admin --------------------------------------------------------------------------

    private static AdminSettings admin(Values v) {
        boolean enabled = v.bool("guard.admin.enabled");
        Optional<Secret> token = v.raw("guard.admin.token").filter(s -> !s.isEmpty()).map(Secret::new);
        if (enabled && token.isEmpty()) {
            v.problem("guard.admin.token", "is required when guard.admin.enabled=true");
        } else if (enabled && token.get().reveal().length() < 16) {
            v.problem("guard.admin.token", "must be at least 16 characters long");
        }
        return new AdminSettings(enabled, token);
    }

    // ---- raw value access ---------------------------------------------------------------

    /** Raw values plus defaults, collecting problems instead of throwing at the first one. */
    private static final class Values {
        private final Map<String, String> raw;
        private final List<ConfigProblem> problems = new ArrayList<>();

        Values(Map<String, String> raw) {
            this.raw = raw;
        }

        void problem(String property, String message) {
            problems.add(new ConfigProblem(property, message));
        }

        boolean isSet(String key) {
            String value = raw.get(key);
            return value != null && !value.isBlank();
        }

        Optional<String> raw(String key) {
            requireKnown(key);
            String value = raw.get(key);
            if (value == null) {
                value = DEFAULTS.get(key);
            }
            return Optional.ofNullable(value);
        }

        Optional<String> text(String key) {
            return raw(key).map(String::trim).filter(s -> !s.isEmpty());
        }

        List<String> list(String key) {
            List<String> out = new ArrayList<>();
            text(key).ifPresent(s -> {
                for (String part : s.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            });
            return out;
        }

        int port() {
            return integer("guard.target.port", 1, 65535);
        }

        int integer(String key, int min, int max) {
            String text = text(key).orElse("");
            try {
                int value = Integer.parseInt(text);
                if (value < min || value > max) {
                    problemOnce(key, "is " + value + ", outside " + min + "-" + max);
                    return -1;
                }
                return value;
            } catch (NumberFormatException e) {
                problemOnce(key, "'" + text + "' is not a whole number");
                return -1;
            }
        }

        double decimal(String key, double min, double max) {
            String text = text(key).orElse("");
            try {
                double value = Double.parseDouble(text);
                if (!(value >= min && value <= max)) {
                    problemOnce(key, "is " + text + ", outside " + min + "-" + max);
                    return min;
                }
                return value;
            } catch (NumberFormatException e) {
                problemOnce(key, "'" + text + "' is not a number");
                return min;
            }
        }

        float percent(String key) {
            String text = text(key).orElse("").replace("%", "");
            try {
                float value = Float.parseFloat(text);
                if (!(value > 0 && value <= 100)) {
                    problemOnce(key, "is " + text + ", outside 0 (exclusive) to 100 percent");
                    return 100f;
                }
                return value;
            } catch (NumberFormatException e) {
                problemOnce(key, "'" + text + "' is not a percentage");
                return 100f;
            }
        }

        boolean bool(String key) {
            String text = text(key).orElse("false").toLowerCase(Locale.ROOT);
            return switch (text) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> {
                    problemOnce(key, "'" + text + "' is not true or false");
                    yield false;
                }
            };
        }

        Duration duration(String key, Duration minimum) {
            String text = text(key).orElse("");
            Optional<Duration> parsed = DurationParser.parse(text);
            if (parsed.isEmpty()) {
                problemOnce(key, "'" + text + "' is not a duration (examples: 250ms, 2s, 1m, PT2S)");
                return Duration.ofSeconds(1);
            }
            if (parsed.get().compareTo(minimum) < 0) {
                problemOnce(key, "is " + text + ", below the minimum of " + DurationParser.format(minimum));
                return minimum;
            }
            return parsed.get();
        }

        Optional<Path> absolutePath(String key) {
            String text = text(key).orElse("");
            try {
                Path p = Path.of(text);
                if (!p.isAbsolute()) {
                    problemOnce(key, "'" + text + "' must be an absolute path");
                    return Optional.empty();
                }
                return Optional.of(p.normalize());
            } catch (InvalidPathException e) {
                problemOnce(key, "'" + text + "' is not a valid path");
                return Optional.empty();
            }
        }

        private void problemOnce(String key, String message) {
            if (problems.stream().noneMatch(p -> p.property().equals(key))) {
                problem(key, message);
            }
        }

        private static void requireKnown(String key) {
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown key " + key);
            }
        }
    }

    /** For adapters: maps lookups of every known key through the given function. */
    public static Map<String, String> collect(Function<String, Optional<String>> lookup) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : DEFAULTS.keySet()) {
            lookup.apply(key).ifPresent(value -> values.put(key, value));
        }
        return values;
    }
}
