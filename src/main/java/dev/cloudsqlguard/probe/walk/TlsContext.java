package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.config.ClientCertificate;
import dev.cloudsqlguard.config.TlsMode;
import dev.cloudsqlguard.config.TlsSettings;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK TLS pieces of one target, built once from its {@link TlsSettings} and shared by the tls
 * stage (an {@link SSLEngine} per probe) and the query stage (the same trust and key managers, so
 * both stages accept exactly the same servers). libpq's rules: with trust roots the chain is
 * verified in every mode, without them nothing is ({@code require}); {@code verify-full} also
 * checks that the certificate names the host (the JDK's HTTPS rules: subject alternative names,
 * the common name only when there are none).
 */
public final class TlsContext {

    private static final String CLIENT = "client";

    private final TlsSettings settings;
    private final X509TrustManager trust;
    private final X509KeyManager key;
    private final SSLContext context;

    private TlsContext(TlsSettings settings, X509TrustManager trust, X509KeyManager key, SSLContext context) {
        this.settings = settings;
        this.trust = trust;
        this.key = key;
        this.context = context;
    }

    /** The context of a target that may use TLS; empty for {@code disable} (and every socket target). */
    public static Optional<TlsContext> of(TlsSettings settings) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        try {
            X509TrustManager trust = settings.roots().isPresent() ? verifying(settings.roots().get()) : new TrustingAll();
            X509KeyManager key = settings.client().isPresent() ? keyManager(settings.client().get()) : null;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(key == null ? null : new javax.net.ssl.KeyManager[] {key}, new TrustManager[] {trust}, null);
            return Optional.of(new TlsContext(settings, trust, key, context));
        } catch (GeneralSecurityException | java.io.IOException e) {
            // the certificates were parsed at startup, so this is a JDK without TLS: a bug, not a setting
            throw new IllegalStateException("cannot set up TLS: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public TlsMode mode() {
        return settings.mode();
    }

    public X509TrustManager trustManager() {
        return trust;
    }

    public Optional<X509KeyManager> keyManager() {
        return Optional.ofNullable(key);
    }

    /** What a successful handshake has proved about the server's certificate. */
    public String verified() {
        if (settings.roots().isEmpty()) {
            return "none";
        }
        return settings.mode() == TlsMode.VERIFY_FULL ? "chain and host name" : "chain";
    }

    /** Where the trust roots came from, for messages. */
    String rootsSource() {
        return settings.roots().map(TlsSettings.TrustRoots::source).orElse("none");
    }

    /** A client engine for one connection to {@code host}. */
    SSLEngine engine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        if (settings.mode() == TlsMode.VERIFY_FULL) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        return engine;
    }

    private static X509TrustManager verifying(TlsSettings.TrustRoots roots) throws GeneralSecurityException,
            java.io.IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (roots.system()) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate certificate : roots.certificates()) {
                store.setCertificateEntry("root-" + i++, certificate);
            }
            factory.init(store);
        }
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /**
     * The one client certificate, offered whenever the server asks for one (as libpq does): the JDK's
     * own key manager would stay silent when the server names no CA that signed it, and the server
     * would then report a missing certificate instead of refusing the one configured.
     */
    private static X509KeyManager keyManager(ClientCertificate client) {
        X509Certificate[] chain = client.chain().toArray(new X509Certificate[0]);
        return new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {CLIENT};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
                return CLIENT;
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, SSLEngine engine) {
                return CLIENT;
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return CLIENT.equals(alias) ? chain.clone() : null;
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return CLIENT.equals(alias) ? client.key() : null;
            }
        };
    }

    /** {@code require} without trust roots: encrypted, but any certificate is taken (libpq's meaning). */
    private static final class TrustingAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
