package dev.cloudsqlguard.probe;

import java.util.Locale;

/** How a probe ended: every stage passed in time, passed but slowly, or one stage failed. */
public enum Outcome {
    OK,
    SLOW,
    FAILED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A slow probe still reached the database: it counts as a success for the startup gate. */
    public boolean reachedDatabase() {
        return this != FAILED;
    }
}
