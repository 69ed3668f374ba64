package dev.cloudsqlguard.config;

import java.util.Locale;

/**
 * What a target's server must be ({@code guard.target.role}): any server that answers, a primary
 * (a read-only server or replica reports {@code read_only}), or a streaming replica (a server that
 * is not in recovery reports {@code not_a_replica}). Only the query stage can tell, so a role other
 * than {@code any} needs a user.
 */
public enum Role {
    ANY,
    PRIMARY,
    REPLICA;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
