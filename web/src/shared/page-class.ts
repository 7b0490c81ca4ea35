/**
 * The page class of a path, exactly as the server decides it: the same module. Each class has its
 * own Content-Security-Policy and its own widgets, so moving from one class to another loads a new
 * document from the server rather than re-rendering this one (router.ts): a checkout page never
 * keeps a widget frame or a policy from the shop.
 */
export { pageClassOf } from '../../../src/security/page-classes.js';
