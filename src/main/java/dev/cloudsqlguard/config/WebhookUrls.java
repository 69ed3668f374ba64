package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_SECRET;
import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_URLS;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks the webhook receivers: each must be an http(s) URL with a host and without credentials
 * (the HMAC secret is the way to authenticate). Each bad URL is its own problem, quoted with any
 * user info hidden, since that part may hold a password.
 */
final class WebhookUrls {

    private WebhookUrls() {
    }

    /** The valid URLs among {@code texts}; a problem on the URLs property for each other one. */
    static List<URI> check(List<String> texts, ConfigValues values) {
        String key = WEBHOOK_URLS.key();
        List<URI> urls = new ArrayList<>();
        for (String text : texts) {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                    values.problem(key, "'" + redactUserInfo(text) + "' is not an http(s) URL with a host");
                } else if (uri.getUserInfo() != null) {
                    values.problem(key, "'" + redactUserInfo(text) + "' carries credentials in the URL; use "
                            + WEBHOOK_SECRET.key() + " instead");
                } else {
                    urls.add(uri);
                }
            } catch (URISyntaxException e) {
                values.problem(key, "'" + redactUserInfo(text) + "' is not a valid URL");
            }
        }
        return urls;
    }

    /**
     * Hides any user info: everything between the scheme and the last '@', so that a password
     * typed with raw '/', '@', '?' or '#' in it is hidden too (over-hiding is harmless here).
     */
    static String redactUserInfo(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int slashes = url.indexOf("//");
        int start = slashes >= 0 && slashes < at ? slashes + 2 : url.indexOf(':') + 1;
        return url.substring(0, start) + "****" + url.substring(at);
    }
}
