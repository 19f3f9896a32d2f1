/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

export const isE164 = (phone: string) => E164.test(phone);

/** `+12125551234` → `+1212555…1234`: enough to recognise a call in the Web UI, not to dial it. */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return `${phone.slice(0, 2)}…`;
  return `${phone.slice(0, 8)}…${phone.slice(-4)}`;
}
