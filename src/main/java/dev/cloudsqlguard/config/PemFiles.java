package dev.cloudsqlguard.config;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files of a TLS configuration with BouncyCastle's parser (certificates, and private
 * keys as PKCS#8, PKCS#1 RSA or SEC1 EC, the forms openssl and {@code gcloud sql ssl client-certs}
 * write) into the JDK's own key and certificate types; no security provider is registered. Each
 * failure is a {@link Rejected} whose message completes "&lt;property&gt; ..." and quotes no key.
 */
final class PemFiles {

    /** Why a file cannot be used: a message that follows the property's name. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    private PemFiles() {
    }

    /** Every certificate in a PEM text, in file order; at least one. */
    static List<X509Certificate> certificates(String pem, String file) throws Rejected {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object item;
            while ((item = next(parser, file)) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new Rejected(file + " holds a damaged certificate (" + e.getClass().getSimpleName() + ")");
        }
        if (certificates.isEmpty()) {
            throw new Rejected(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The one unencrypted private key in a PEM text. */
    static PrivateKey privateKey(String pem, String file) throws Rejected {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object item;
            while ((item = next(parser, file)) != null) {
                if (item instanceof PEMKeyPair pair) {
                    return jdkKey(pair.getPrivateKeyInfo(), file);
                }
                if (item instanceof PrivateKeyInfo info) {
                    return jdkKey(info, file);
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new Rejected(file + " holds an encrypted key, and the guard takes no key password: "
                            + "store it decrypted in a mounted Secret (openssl pkey -in KEY -out KEY.pem)");
                }
            }
        } catch (IOException e) {
            throw new Rejected(file + " holds a damaged private key (" + e.getClass().getSimpleName() + ")");
        }
        throw new Rejected(file + " holds no PEM private key (-----BEGIN PRIVATE KEY----- or RSA/EC PRIVATE KEY)");
    }

    /**
     * The JDK's key for a PKCS#8 structure, by the JDK's algorithm names (BouncyCastle's converter
     * would ask for "ECDSA", which only its own provider knows).
     */
    private static PrivateKey jdkKey(PrivateKeyInfo info, String file) throws Rejected {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm;
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            algorithm = "RSA";
        } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            algorithm = "EC";
        } else if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            algorithm = "Ed25519";
        } else {
            throw new Rejected(file + " holds a key of an unsupported algorithm (" + oid + "): use RSA or EC");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new Rejected(file + " holds a damaged " + algorithm + " private key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Whether {@code key} is the private half of {@code certificate}'s public key (a signature proves it). */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!key.getAlgorithm().equalsIgnoreCase(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign with their own name
        };
        try {
            byte[] probe = "cloudsql-guard key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Object next(PEMParser parser, String file) throws Rejected {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports malformed base64 or ASN.1 as PEMException or DecoderException.
            throw new Rejected(file + " is not a readable PEM file (" + e.getClass().getSimpleName() + ")");
        }
    }
}
