// The password length range for clients (the web app's forms and messages): constants only, so
// a browser bundle can import them without pulling in the server.
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@kit/auth/password-limits";
