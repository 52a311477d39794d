// Preloaded (node --import) into a server process to run its clock ahead by
// KIT_TEST_CLOCK_AHEAD_MS, as on a host whose clock is off: Date.now() is what the kit, pg's
// client and jsonwebtoken read. The database's clock is left as it is.
const ahead = Number(process.env.KIT_TEST_CLOCK_AHEAD_MS ?? 0);
const realNow = Date.now;
Date.now = () => realNow() + ahead;
