"""A throw-away PKI for the signing tests: a CA, a signer it certifies, and an unrelated CA.

Real certificates come from a municipality's e-service provider; the tests only need a chain
that pyHanko can build offline (CA → signer) and a second CA that must not validate it. EC
P-256 keys keep key generation to milliseconds, so the whole identity is made once per test
module. The signer is written as a PKCS#12 file with a passphrase, the way a user would get
it; the CAs are written as PEM and DER so that both certificate encodings are exercised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = b"r\xc3\xa4tt l\xc3\xb6senord"  # "rätt lösenord" in UTF-8
SIGNER_NAME = "Åsa Öberg"


@dataclass(frozen=True)
class SigningIdentity:
    """Files the tests sign and verify with."""

    p12: Path  # signer key + certificate + CA certificate, protected by PASSPHRASE
    p12_without_key: Path  # the signer's certificate only, no private key
    ca_pem: Path  # the CA that issued the signer's certificate
    ca_der: Path  # the same CA, DER-encoded
    other_ca_pem: Path  # a CA that has nothing to do with the signer


def _name(common_name: str, serial_number: str | None = None) -> x509.Name:
    serial = [x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number)] if serial_number else []
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testkommunen"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        *serial,
    ])


def _ca(common_name: str, now: datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_identity(folder: Path, *, serial_number: str | None = None) -> SigningIdentity:
    """Write a CA, a signer's PKCS#12 and an unrelated CA into ``folder``.

    ``serial_number`` goes into the signer's subject, where a Swedish e-ID (BankID) carries
    its holder's personnummer (the tests pass only Skatteverket's test numbers).
    """
    now = datetime.now(UTC)
    ca_key, ca_cert = _ca("Testkommunens CA", now)
    _other_key, other_cert = _ca("Annan CA", now)
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(SIGNER_NAME, serial_number))
        .issuer_name(ca_cert.subject)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=180))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False,
            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = folder / "signerare.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signerare", signer_key, signer_cert, [ca_cert],
        serialization.BestAvailableEncryption(PASSPHRASE)))
    p12_without_key = folder / "utan-nyckel.p12"
    p12_without_key.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signerare", None, signer_cert, None,
        serialization.BestAvailableEncryption(PASSPHRASE)))
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    ca_der = folder / "ca.cer"
    ca_der.write_bytes(ca_cert.public_bytes(serialization.Encoding.DER))
    other_ca_pem = folder / "annan-ca.pem"
    other_ca_pem.write_bytes(other_cert.public_bytes(serialization.Encoding.PEM))
    return SigningIdentity(p12, p12_without_key, ca_pem, ca_der, other_ca_pem)
