import { api } from './client.ts';

/** What POST /verify answers: validity, colour or certificate type, issuer and expiry. Identity is never shown. */
export interface Verification {
  format: 'TSR1' | 'HC1' | string;
  valid: boolean;
  checks: Record<string, boolean | null>;
  issuer: string | null;
  issuedAt: string | null;
  expiresAt: string | null;
  color: 'green' | 'yellow' | 'red' | null;
  vaccination: number | null;
  certificateType: string | null;
  error: string | null;
}

export const verifyCode = (code: string) =>
  api<Verification>('/verify', { method: 'POST', body: { code, identityCheck: false } });
