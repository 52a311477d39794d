// The password length range: plain constants, safe to import from a browser bundle.

/** Fewest characters (code points) a password may have. */
export const PASSWORD_MIN_LENGTH = 8;
/** Most characters (code points): an upper bound keeps a megabyte "password" from becoming a denial of service. */
export const PASSWORD_MAX_LENGTH = 128;
