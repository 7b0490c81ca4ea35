import { hashPassword, verifyPassword } from '../../src/accounts/passwords.js';
import { flags, numberFlag } from '../checkout/common.js';

/**
 * The cost of one password verification as the server makes it (`verifyPassword`, the app's
 * argon2id parameters), measured in its own process pinned to the server's core while the server
 * is idle: CPU time of the whole process (argon2 runs on libuv's threads) per verification, and
 * the wall time of one. Half the verifications are wrong passwords, as most of an attack's are.
 * Prints one JSON line.
 */
const f = flags(process.argv.slice(2));
const n = Math.min(numberFlag(f, 'verifications', 60), 1000);
const stored = await hashPassword('a reused password 2019!');
for (let i = 0; i < 5; i++) await verifyPassword(stored, 'warm-up');

const cpu0 = process.cpuUsage();
const wall0 = performance.now();
let right = 0;
for (let i = 0; i < n; i++) if (await verifyPassword(stored, i % 2 ? 'a reused password 2019!' : `guess ${i}`)) right++;
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - wall0;
if (right !== Math.floor(n / 2)) throw new Error(`verifyPassword answered true ${right} times, expected ${Math.floor(n / 2)}`);
console.log(JSON.stringify({ verifications: n, cpuMsPerVerify: (cpu.user + cpu.system) / 1000 / n, wallMsPerVerify: wallMs / n }));
