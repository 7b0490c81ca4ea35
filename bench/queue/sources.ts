/**
 * Source addresses in 127.0.0.0/8, one per client, so the server sees many fans instead of one
 * (Linux answers on the whole /8 over loopback). 127.20.0.0/16 keeps clear of 127.0.0.1.
 */
export const sourceAddress = (index: number) => `127.20.${(index >> 8) & 255}.${index & 255}`;
