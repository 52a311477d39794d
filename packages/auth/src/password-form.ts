// The one form a password is hashed, checked and judged in, whatever system it was typed on.

/**
 * Unicode NFKC (NIST SP 800-63B §5.1.1.2), so that the same password typed anywhere matches:
 * macOS can send "é" as e + U+0301 (NFD) where most systems send one code point (NFC), and
 * full-width letters match their plain ones.
 */
export const normalizePassword = (password: string): string => password.normalize("NFKC");
