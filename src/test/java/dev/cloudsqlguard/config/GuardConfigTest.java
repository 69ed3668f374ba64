package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link GuardConfig#raw()} must hand every known property to the parser, each from its own
 * getter. Checked without Quarkus: a dynamic proxy implements the mapping and answers each
 * getter with its own property path.
 */
class GuardConfigTest {

    @Test
    void rawCoversExactlyTheKnownProperties() {
        GuardConfig config = mapping(GuardConfig.class, "guard");
        Map<String, String> raw = config.raw();
        assertThat(raw.keySet()).containsExactlyElementsOf(SettingsParser.DEFAULTS.keySet());
    }

    @Test
    void eachPropertyIsReadFromItsOwnGetter() {
        Map<String, String> raw = mapping(GuardConfig.class, "guard").raw();
        raw.forEach((key, value) -> assertThat(value).as("value of %s", key).isEqualTo(key));
    }

    @Test
    void absentValuesAreLeftOut() {
        GuardConfig empty = emptyMapping(GuardConfig.class);
        assertThat(empty.raw()).isEmpty();
    }

    @Test
    void rawFeedsTheParser() {
        GuardConfig empty = emptyMapping(GuardConfig.class);
        Map<String, String> raw = new java.util.HashMap<>(empty.raw());
        raw.put("guard.target.host", "10.0.0.1");
        assertThat(new SettingsParser().parse(raw).target().name()).isEqualTo("10.0.0.1:5432");
    }

    /** A proxy whose Optional getters return their property path and whose group getters nest. */
    @SuppressWarnings("unchecked")
    static <T> T mapping(Class<T> type, String prefix) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args, prefix);
            }
            String path = prefix + "." + kebab(method.getName());
            if (method.getReturnType() == Optional.class) {
                return Optional.of(path);
            }
            if (method.getReturnType().isInterface()) {
                return mapping(method.getReturnType(), path);
            }
            throw new AssertionError("unexpected mapping method " + method);
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    @SuppressWarnings("unchecked")
    static <T> T emptyMapping(Class<T> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args, "empty");
            }
            if (method.getReturnType() == Optional.class) {
                return Optional.empty();
            }
            return emptyMapping(method.getReturnType());
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args, String name) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "mapping(" + name + ")";
        };
    }

    /** SmallRye Config's default naming: socketDir -> socket-dir. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void kebabNaming() {
        assertThat(kebab("socketDir")).isEqualTo("socket-dir");
        assertThat(kebab("failureRateThreshold")).isEqualTo("failure-rate-threshold");
        assertThat(kebab("urls")).isEqualTo("urls");
    }
}
