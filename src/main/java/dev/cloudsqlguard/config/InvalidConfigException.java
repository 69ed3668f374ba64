package dev.cloudsqlguard.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when the configuration cannot work; its message is the one line printed at startup. */
public final class InvalidConfigException extends RuntimeException {

    private final List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
        super("invalid configuration: " + problems.stream().map(ConfigProblem::toString)
                .collect(Collectors.joining("; ")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
