// The cluster's PKI: one CA that signs the gateway's serving certificate and client certificates.
// Generated on first start and reused afterwards, so kubeconfigs written earlier keep working.
import 'reflect-metadata';
import { webcrypto, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const keyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
const day = 24 * 60 * 60 * 1000;

export interface ClusterPki {
  dir: string;
  caCertPem: string;
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** The key service-account tokens are signed with (kube-apiserver's --service-account-signing-key-file). */
  serviceAccountKeyPem: string;
  /** Its public half (--service-account-key-file), what verifies them. */
  serviceAccountPublicKeyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength), 'PRIVATE KEY');
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return await webcrypto.subtle.importKey('pkcs8', der, keyAlgorithm, true, ['sign']);
}

const serial = () => randomBytes(16).toString('hex').replace(/^[89a-f]/, '1');

/** Escapes a value for an X.500 name string (RFC 4514). */
const rdn = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');

export async function createCertificateAuthority(commonName: string): Promise<IssuedCertificate> {
  const keys = (await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${rdn(commonName)}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3650 * day),
    keys,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

export interface CertificateRequest {
  commonName: string;
  organizations?: string[];
  usage: 'client' | 'server';
  dnsNames?: string[];
  ipAddresses?: string[];
  validityDays?: number;
}

/** Issues a certificate signed by the CA: client certificates carry the user (CN) and groups (O). */
export async function issueCertificate(ca: IssuedCertificate, req: CertificateRequest): Promise<IssuedCertificate> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importKeyPem(ca.keyPem);
  const keys = (await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const name = [...(req.organizations ?? []).map((o) => `O=${rdn(o)}`), `CN=${rdn(req.commonName)}`].join(', ');
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([req.usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  const sans = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(req.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: name,
    issuer: caCert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (req.validityDays ?? 365) * day),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function loadOrCreate(dir: string, base: string, make: () => Promise<IssuedCertificate>): Promise<IssuedCertificate> {
  const certPath = join(dir, `${base}.crt`);
  const keyPath = join(dir, `${base}.key`);
  if ((await exists(certPath)) && (await exists(keyPath))) {
    const issued = { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
    // A certificate that no longer parses or has expired is replaced rather than served.
    try {
      if (new Date(new X509Certificate(issued.certPem).validTo).getTime() > Date.now() + day) return issued;
    } catch {
      /* regenerate below */
    }
  }
  const issued = await make();
  await writeFile(keyPath, issued.keyPem, { mode: 0o600 });
  await writeFile(certPath, issued.certPem, { mode: 0o644 });
  return issued;
}

/** An ES256 key pair for signing service-account tokens: sa.key (PKCS#8) and sa.pub (SPKI). */
async function loadOrCreateSigningKey(dir: string): Promise<{ keyPem: string; publicKeyPem: string }> {
  const keyPath = join(dir, 'sa.key');
  const pubPath = join(dir, 'sa.pub');
  if ((await exists(keyPath)) && (await exists(pubPath))) {
    return { keyPem: await readFile(keyPath, 'utf8'), publicKeyPem: await readFile(pubPath, 'utf8') };
  }
  const keys = (await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const keyPem = await exportKeyPem(keys.privateKey);
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const publicKeyPem = x509.PemConverter.encode(spki.buffer.slice(spki.byteOffset, spki.byteOffset + spki.byteLength), 'PUBLIC KEY');
  await writeFile(keyPath, keyPem, { mode: 0o600 });
  await writeFile(pubPath, publicKeyPem, { mode: 0o644 });
  return { keyPem, publicKeyPem };
}

/**
 * Loads the cluster PKI from dir, creating what is missing: ca.{crt,key}, serving.{crt,key} (SANs
 * for 127.0.0.1, ::1, localhost, the host name, the in-cluster service names and opts.hosts) and
 * admin.{crt,key} (CN=admin, O=system:masters), and sa.{key,pub} (the service-account token key).
 */
export async function ensureClusterPki(dir: string, opts: { hosts?: string[] } = {}): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreate(dir, 'ca', () => createCertificateAuthority('portico-ca'));
  const extraHosts = opts.hosts ?? [];
  const isIp = (h: string) => /^[0-9.]+$/.test(h) || h.includes(':');
  const serving = await loadOrCreate(dir, 'serving', () =>
    issueCertificate(ca, {
      commonName: 'portico-apiserver',
      usage: 'server',
      dnsNames: [
        'localhost',
        hostname(),
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        ...extraHosts.filter((h) => !isIp(h)),
      ],
      ipAddresses: ['127.0.0.1', '::1', ...extraHosts.filter(isIp)],
      validityDays: 825,
    }),
  );
  const admin = await loadOrCreate(dir, 'admin', () =>
    issueCertificate(ca, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' }),
  );
  const sa = await loadOrCreateSigningKey(dir);
  return {
    dir,
    serviceAccountKeyPem: sa.keyPem,
    serviceAccountPublicKeyPem: sa.publicKeyPem,
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    servingCertPem: serving.certPem,
    servingKeyPem: serving.keyPem,
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
  };
}
