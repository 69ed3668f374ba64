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

    static String lastOutcome() {
        return status().getString("targets[0].last_probe.outcome");
    }
}
