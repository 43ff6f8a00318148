import { api } from './client.ts';

export interface CertificateSummary {
  id: string;
  category: string;
  count: number;
  range: { from: string | null; to: string | null };
  merkleRoot: string;
  issuedAt: string;
  trigger: string;
  countersigned: boolean;
  countersignedAt: string | null;
}

export interface SignedCertificate {
  certificate: {
    type: string;
    v: number;
    id: string;
    jurisdiction: string;
    category: string;
    count: number;
    range: { from: string | null; to: string | null };
    basis: string;
    commitment: { alg: string; root: string; leaves: number };
    issuedAt: string;
    kid: string;
    nonce: string;
  };
  signature: string;
  countersignature?: {
    statement: { auditorId: string; at: string; kid: string; certificateHash: string };
    signature: string;
  } | null;
}

export interface CertificateVerification {
  valid: boolean;
  countersigned: boolean;
  checks: { shape: boolean; signature: boolean; countersignature: boolean | null; commitment: boolean | null };
  registered: boolean | null;
  problems: string[];
}

export const listCertificates = (signal?: AbortSignal) =>
  api<{ items: CertificateSummary[] }>('/retention/certificates', signal ? { signal } : {});

export const getCertificate = (id: string, signal?: AbortSignal) =>
  api<SignedCertificate>(`/retention/certificates/${encodeURIComponent(id)}`, signal ? { signal } : {});

export const countersignCertificate = (id: string) =>
  api<SignedCertificate>(`/retention/certificates/${encodeURIComponent(id)}/countersign`, { method: 'POST' });

export const verifyCertificate = (certificate: SignedCertificate) =>
  api<CertificateVerification>('/retention/certificates/verify', { method: 'POST', body: { certificate } });
