import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface ClusterCerts {
  ca: string;
  /** The Temporal frontend's and PostgreSQL's certificate (SAN: the server name, localhost, 127.0.0.1). */
  server: KeyPair;
  /** A client certificate signed by the CA (the platform's processes, the server's own system worker). */
  client: KeyPair;
  /** A client certificate from another CA: must be refused like none at all. */
  rogue: KeyPair;
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function selfSignedCa(dir: string, name: string, cn: string): KeyPair {
  const pair = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
    '-keyout', pair.key, '-out', pair.cert, '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  return pair;
}

function signed(dir: string, ca: KeyPair, name: string, cn: string, ext: string[]): KeyPair {
  const pair = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `${ext.join('\n')}\n`);
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-keyout',
    pair.key,
    '-out',
    csr,
    '-subj',
    `/CN=${cn}`,
  ]);
  openssl(dir, [
    'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial',
    '-days', '30', '-sha256', '-extfile', extFile, '-out', pair.cert,
  ]); // prettier-ignore
  return pair;
}

/** A throw-away CA and the certificates the cluster tier needs, made with openssl in `dir`. */
export function makeClusterCerts(dir: string, serverName: string): ClusterCerts {
  const ca = selfSignedCa(dir, 'ca', 'ops cluster test CA');
  const leaf = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  const server = signed(dir, ca, 'server', serverName, [
    ...leaf,
    'extendedKeyUsage=serverAuth,clientAuth',
    `subjectAltName=DNS:${serverName},DNS:localhost,IP:127.0.0.1`,
  ]);
  const client = signed(dir, ca, 'client', 'ops-platform', [...leaf, 'extendedKeyUsage=clientAuth']);
  const otherCa = selfSignedCa(dir, 'other-ca', 'someone else');
  const rogue = signed(dir, otherCa, 'rogue', 'ops-platform', [...leaf, 'extendedKeyUsage=clientAuth']);
  return { ca: ca.cert, server, client, rogue };
}
