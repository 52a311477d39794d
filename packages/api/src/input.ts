// Input schemas: every limit is checked here, before any hashing or database work.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@kit/auth";
import { z } from "zod";
import { AUTH_EVENT_TYPES } from "./audit";
import { isStorableTime } from "./storable-time";
import { parseUserCursor } from "./user-cursor";
import { UUID_PATTERN } from "./uuid";
import { MAX_REFRESH_CANDIDATES } from "./wire";

/** RFC 5321 caps a forward path at 254 characters. Normalised: trimmed and lower-cased. */
export const emailInput = z
  .string()
  .max(320)
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters.")
  .pipe(z.email("Enter a valid email address."));

/**
 * A UTF-16 surrogate without its pair (`"\ud800"` in JSON) is no character: stored or hashed it
 * becomes U+FFFD, so a name would be changed silently and two such passwords would be one.
 * (`\p{Cs}` under the `u` flag matches only a surrogate that is not half of a pair.)
 */
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const isWellFormed = (text: string) => !UNPAIRED_SURROGATE.test(text);

// Control characters (NUL above all: PostgreSQL refuses it in text) have no place in a name.
export const nameInput = z
  .string()
  .trim()
  .max(100, "Name must be at most 100 characters.")
  .regex(/^[^\p{Cc}]*$/u, "Name must not contain control characters.")
  // Embeddings, overrides and isolates (U+202A–202E, U+2066–2069) reorder the text around them
  // wherever the name is shown (an admin's list, an email): "Bob\u202Enimda" reads "Bobadmin".
  .regex(/^[^\u202A-\u202E\u2066-\u2069]*$/u, "Name must not contain text-direction controls.")
  .refine(isWellFormed, "Name contains an invalid character (an unpaired UTF-16 surrogate).")
  .transform((name) => (name === "" ? null : name));

// The policy (packages/auth) explains short passwords; length over the cap is refused here
// already, so a megabyte of "password" never reaches argon2.
// A new password with an unpaired surrogate is refused; a login's is not, so a password set
// before this rule still signs in.
const passwordInput = z
  .string()
  // The policy's own sentence: what the person is shown (not the schema library's wording).
  .max(
    PASSWORD_MAX_LENGTH * 4,
    `Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
  )
  .refine(isWellFormed, "Password contains an invalid character (an unpaired UTF-16 surrogate).");

export const registerInput = z.object({
  email: emailInput,
  password: passwordInput,
  name: nameInput.nullish(),
});

/** A device marker the server issued at an earlier sign-in (body mode; see device-marker.ts). */
const deviceInput = z.string().max(4096).nullish();

export const loginInput = z.object({
  email: emailInput,
  device: deviceInput,
  password: z
    .string()
    .min(1)
    .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`),
});

const refreshToken = z.string().max(16_384);

/** Absent, null or empty is MISSING_TOKEN (400), as in the recipe; the caller decides. */
export const refreshInput = z
  .object({
    refresh: refreshToken.nullish(),
    device: deviceInput,
    // Tokens the earlier tries of this refresh were answered 503 with (see RotationInDoubt).
    candidates: z.array(refreshToken).max(MAX_REFRESH_CANDIDATES).nullish(),
  })
  .nullish();

export const sessionIdInput = z.object({ id: z.string().max(64).toLowerCase() });

export const changePasswordInput = z.object({
  // Body mode's device marker, as auth.login takes it: the current password is checked against
  // the login budgets, where a known device keeps its own when someone else exhausts the account's.
  device: deviceInput,
  currentPassword: z
    .string()
    .min(1)
    .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`),
  newPassword: passwordInput,
});

/** A page's size: 1 to 100 rows, 20 unless asked. */
const pageLimit = z.number().int().min(1).max(100).default(20);

/** The largest id PostgreSQL's bigint holds: a longer cursor would fail the query, not match. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const CURSOR_MESSAGE = "cursor must be an id from a previous page";

/** Keyset paging over the audit trail: the last event id of the previous page. */
const eventCursor = z
  .string()
  // abort: the range check reads the digits as a number, so only once they are digits.
  .regex(/^[1-9][0-9]{0,18}$/, { message: CURSOR_MESSAGE, abort: true })
  .refine((id) => BigInt(id) <= MAX_BIGINT, CURSOR_MESSAGE)
  .nullish();

export const eventsInput = z
  .object({ limit: pageLimit, cursor: eventCursor })
  .default({ limit: 20 });

// The admin router's inputs (router/admin.ts).

/**
 * Ids are UUID columns: anything else is bad input (400), never a lookup. Lower-cased, as the
 * database and tokens write them, so an id compared in code (the admin's own, the session cache's
 * keys) matches however the client spelled it.
 */
const uuidInput = z.string().regex(UUID_PATTERN, "must be a UUID").toLowerCase();

export const userIdInput = z.object({ userId: uuidInput });

export const adminSessionIdInput = z.object({ sessionId: uuidInput });

/** admin.users' `nextCursor`, read back into the keys it names. */
const userCursorInput = z.string().transform((text, ctx) => {
  const cursor = parseUserCursor(text);
  if (cursor) return cursor;
  ctx.addIssue({ code: "custom", message: "must be a nextCursor of admin.users" });
  return z.NEVER;
});

/** Newest accounts first; `cursor` is the previous page's `nextCursor`; `email` a substring. */
export const adminUsersInput = z
  .object({
    limit: pageLimit,
    cursor: userCursorInput.nullish(),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .max(254)
      .regex(/^[^\p{Cc}]*$/u, "email must not contain control characters")
      .nullish(),
  })
  .default({ limit: 20 });

const isoTime = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text))
  .refine(isStorableTime, "must be 0001-01-01T00:00:00Z or later");

/**
 * The audit trail across users: `eventsInput`'s paging, narrowed by the account acted on, the
 * admin who acted, type and time.
 */
export const adminEventsInput = z
  .object({
    limit: pageLimit,
    cursor: eventCursor,
    userId: uuidInput.nullish(),
    actorId: uuidInput.nullish(),
    type: z.enum(AUTH_EVENT_TYPES, { error: "type must be an event type" }).nullish(),
    /** Inclusive. */
    from: isoTime.nullish(),
    /** Exclusive. */
    to: isoTime.nullish(),
  })
  .refine((page) => !page.from || !page.to || page.from < page.to, {
    message: "from must be before to",
    path: ["to"],
  })
  .default({ limit: 20 });
