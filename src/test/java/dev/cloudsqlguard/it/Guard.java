package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;

/** Small client for the guard's endpoints, reading only what the tests assert on. */
final class Guard {

    private Guard() {
    }

    static int code(String path) {
        return given().when().get(path).then().extract().statusCode();
    }

    static JsonPath status() {
        return given().when().get("/guard/status").then().statusCode(200).extract().jsonPath();
    }

    static String reason() {
        return status().getString("targets[0].reason");
    }

    static String circuit() {
        return status().getString("targets[0].circuit.state");
    }

    static String lastStage() {
        return status().getString("targets[0].last_probe.stage");
    }

    /** The value of the one series of {@code name} (the guard's only target), from a scrape of /q/metrics. */
    static double metric(String name) {
        String scrape = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .reduce((a, b) -> {
                    throw new AssertionError("more than one series of " + name + " in " + scrape);
                }).orElseThrow(() -> new AssertionError("no series of " + name));
    }

    static String lastOutcome() {
        return status().getString("targets[0].last_probe.outcome");
    }
}
